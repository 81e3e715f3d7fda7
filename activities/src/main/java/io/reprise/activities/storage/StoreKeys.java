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
    return "staging/" + token;
  }

  /** The key of the base images a worker host's engine has, as its workers publish them. */
  public static String engine(String workerHost) {
    if (workerHost == null || workerHost.isBlank() || workerHost.contains("/")) {
      throw new IllegalArgumentException("not a worker host name: " + workerHost);
    }
    return ENGINES_PREFIX + workerHost + ".json";
  }

  /** The key of the bytes whose SHA-256 is given (64 lower-case hex digits). */
  public static String blob(String sha256) {
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a SHA-256 in hex: " + sha256);
    }
    return "blobs/sha256/" + sha256;
  }
}
