package io.reprise.activities.storage;

import java.util.regex.Pattern;

/**
 * The layout of the artifact store, in one place:
 * <pre>
 * compendia/{compendiumId}/archive        the uploaded archive, as it came
 * blobs/sha256/{hex}                      the bytes of every distinct file of every job's working directory, once
 * jobs/{jobId}/manifest.json              the job's files: path, size, SHA-256 (the key of its blob), output flag
 * jobs/{jobId}/provenance.json            what the job ran and on what
 * jobs/{jobId}/logs/{step}.log            full logs of the steps that have one
 * jobs/{jobId}/work/{path}                working directories of jobs stored before blobs existed (still read)
 * staging/{random}                        bytes on their way to a blob, until their hash is checked
 * engines/{workerHost}.json               the base images of a worker host's engine, which the API checks uploads by
 * trash/sha256/{hex}                      blobs no manifest referred to at a sweep, until a later sweep frees them
 * pins/{jobId}.json                       who pinned a job, so that retention keeps it
 * storage/usage.json                      bytes per user and per compendium, as the last sweep counted them
 * storage/sweeps/{id}.json                the figures of the last sweeps
 * storage/deleted-images/{jobId}.json     a deleted job's engine image, for the hosts' image sweep
 * storage/deleted-tags/{jobId}.json       a deleted job whose registry tag the next sweep deletes
 * </pre>
 * A job's working directory is content-addressed: its manifest points at blobs, so a re-run whose files are
 * identical adds no bytes for them.
 */
public final class StoreKeys {

  /** Where workers publish their engines' base images: {@code {"host", "updated", "base_images"}}. */
  public static final String ENGINES_PREFIX = "engines/";

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private StoreKeys() {}

  public static String compendiumArchive(String compendiumId) {
    return "compendia/" + compendiumId + "/archive";
  }

  public static String jobPrefix(String jobId) {
    return "jobs/" + jobId + "/";
  }

  public static String jobFile(String jobId, String relativePath) {
    return jobPrefix(jobId) + relativePath;
  }

  public static String jobLog(String jobId, String step) {
    return jobPrefix(jobId) + "logs/" + step + ".log";
  }

  public static String jobManifest(String jobId) {
    return jobFile(jobId, "manifest.json");
  }

  /** Where bytes wait while their hash is checked, before they are copied to their blob. */
  public static String staging(String token) {
    return STAGING_PREFIX + token;
  }

  /** The key of the base images a worker host's engine has, as its workers publish them. */
  public static String engine(String workerHost) {
    if (workerHost == null || workerHost.isBlank() || workerHost.contains("/")) {
      throw new IllegalArgumentException("not a worker host name: " + workerHost);
    }
    return ENGINES_PREFIX + workerHost + ".json";
  }

  public static final String STAGING_PREFIX = "staging/";
  public static final String BLOBS_PREFIX = "blobs/sha256/";
  public static final String TRASH_PREFIX = "trash/sha256/";
  public static final String JOBS_PREFIX = "jobs/";
  public static final String PINS_PREFIX = "pins/";
  public static final String SWEEPS_PREFIX = "storage/sweeps/";
  public static final String USAGE = "storage/usage.json";
  public static final String DELETED_IMAGES_PREFIX = "storage/deleted-images/";

  /**
   * The record that this instance deleted a job whose image is {@code reprise/job-<id>} on some host: the image id
   * it recorded, which a host's image sweep checks before it removes the tag. Engines are shared by every instance
   * on a host, so a host removes only images this instance's deletions name.
   */
  public static String deletedImage(String jobId) {
    return DELETED_IMAGES_PREFIX + pin(jobId).substring(PINS_PREFIX.length());
  }

  public static final String DELETED_TAGS_PREFIX = "storage/deleted-tags/";

  /**
   * The record that this instance deleted a job: the sweep deletes the job's tag in the registry's jobs repository
   * (the tag is the job id) and then this record. Every deletion writes one, image or not: a job whose push
   * succeeded but whose provenance was never stored still holds a tag.
   */
  public static String deletedTag(String jobId) {
    return DELETED_TAGS_PREFIX + pin(jobId).substring(PINS_PREFIX.length());
  }

  /** Where a blob waits after a sweep found no manifest referring to it, until a later sweep frees or restores it. */
  public static String trash(String sha256) {
    return TRASH_PREFIX + blob(sha256).substring(BLOBS_PREFIX.length());
  }

  /** The record of who pinned a job. */
  public static String pin(String jobId) {
    if (jobId == null || !jobId.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException("not a job id: " + jobId);
    }
    return PINS_PREFIX + jobId + ".json";
  }

  /** A stored sweep report; ids are workflow ids, which sort by time within the schedule's and the API's. */
  public static String sweep(String sweepId) {
    if (sweepId == null || !sweepId.matches("[A-Za-z0-9._:-]{1,200}")) {
      throw new IllegalArgumentException("not a sweep id: " + sweepId);
    }
    return SWEEPS_PREFIX + sweepId + ".json";
  }

  /** The key of the bytes whose SHA-256 is given (64 lower-case hex digits). */
  public static String blob(String sha256) {
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a SHA-256 in hex: " + sha256);
    }
    return BLOBS_PREFIX + sha256;
  }
}
