package io.reprise.activities.sweep;

import io.reprise.activities.docker.ContainerEngine;
import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.docker.ImageRegistry;
import io.reprise.activities.docker.RegistryApi;
import io.reprise.activities.jobs.JobActivitiesImpl;
import io.reprise.activities.jobs.Workspace;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.StoredObject;
import io.reprise.workflows.storage.StorageActivities;
import io.reprise.workflows.storage.SweepReport;
import io.reprise.workflows.storage.SweepRequest;
import io.temporal.activity.Activity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The storage sweep's activities on a worker, with the worker's retention and grace as defaults. */
public class StorageActivitiesImpl implements StorageActivities {

  private static final Logger log = LoggerFactory.getLogger(StorageActivitiesImpl.class);

  /** How many sweep reports the store keeps. */
  public static final int REPORTS_KEPT = 50;

  /**
   * The worker's settings: retention per status (zero: forever), the grace, and the folder that holds the job
   * folders of this instance on this host (null: none to look after).
   */
  public record Settings(Duration retentionSuccess, Duration retentionFailure, Duration grace,
      Path workRoot) {}

  /** A job folder untouched for this long is looked at by a host's sweep: does its job still run? */
  public static final Duration FOLDER_QUIET = Duration.ofMinutes(10);

  // The API's job ids; a folder of another name in the work root is never a job's and never touched.
  private static final Pattern JOB_FOLDER = Pattern.compile("[a-z0-9]{12}");

  private final ArtifactStore store;
  private final JobDirectory directory;
  private final ContainerEngine engine;
  private final Settings settings;
  private final StorageSweeper sweeper;

  public StorageActivitiesImpl(ArtifactStore store, JobDirectory directory, ContainerEngine engine,
      Settings settings) {
    this.store = store;
    this.directory = directory;
    this.engine = engine;
    this.settings = settings;
    this.sweeper = new StorageSweeper(store, directory, Clock.systemUTC());
  }

  @Override
  public SweepReport.ExpireResult expire(SweepRequest request) {
    Map<String, Duration> retention = new HashMap<>();
    retention.put("success", settings.retentionSuccess());
    retention.put("failure", settings.retentionFailure());
    if (request != null && request.retentionSeconds() != null) {
      request.retentionSeconds().forEach((status, seconds) -> {
        if (retention.containsKey(status) && seconds != null) {
          retention.put(status, Duration.ofSeconds(seconds));
        }
      });
    }
    SweepReport.ExpireResult result = sweeper.expire(retention, StorageActivitiesImpl::heartbeat);
    log.info("storage sweep: expired {}, kept {} pinned", result.expired(), result.pinnedKept());
    return result;
  }

  @Override
  public SweepReport.BlobSweep sweep(SweepRequest request) {
    Duration grace = request != null && request.graceSeconds() != null
        ? Duration.ofSeconds(Math.max(0, request.graceSeconds())) : settings.grace();
    SweepReport.BlobSweep result = sweeper.sweep(grace, Activity.getExecutionContext().getInfo().getWorkflowId(),
        StorageActivitiesImpl::heartbeat);
    log.info("storage sweep: {}", result);
    return result;
  }

  /**
   * Deletes the tag {@code <registry>/reprise/jobs:<id>} of each job this instance deleted, then its record. The
   * tag is the job's own (a build pushed it, or a re-run put it on the digest it ran), so deleting it never takes an
   * image from a job that exists: the manifest stays while another tag names it. Without a registry the records
   * are dropped. When the registry does not answer, the rest wait for the next sweep.
   */
  @Override
  public SweepReport.RegistryTags removeRegistryTags() {
    ImageRegistry registry = engine.registry();
    RegistryApi api = registry == null ? null : new RegistryApi(registry);
    int deleted = 0;
    int absent = 0;
    int waiting = 0;
    String error = null;
    for (StoredObject record : store.list(StoreKeys.DELETED_TAGS_PREFIX)) {
      String name = record.key().substring(StoreKeys.DELETED_TAGS_PREFIX.length());
      String jobId = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
      heartbeat();
      if (api != null && error == null) {
        try {
          if (api.deleteTag(registry.jobRepository(), jobId)) {
            deleted++;
          } else {
            absent++;
          }
        } catch (RuntimeException e) {
          error = e.getMessage();
        }
      }
      if (api != null && error != null) {
        waiting++;
        continue;
      }
      store.delete(record.key());
    }
    if (error != null) {
      log.warn("storage sweep: {} registry tags wait for the next sweep: {}", waiting, error);
    }
    return new SweepReport.RegistryTags(registry == null ? null : registry.address(), deleted, absent, waiting,
        error);
  }

  /** How long a deleted job's image record waits for the hosts' image sweeps before it is dropped. */
  public static final Duration IMAGE_RECORDS_KEPT = Duration.ofDays(1);

  @Override
  public List<String> hosts() {
    Instant stale = Instant.now().minus(IMAGE_RECORDS_KEPT);
    for (StoredObject record : store.list(StoreKeys.DELETED_IMAGES_PREFIX)) {
      if (record.lastModified() != null && record.lastModified().isBefore(stale)) {
        store.delete(record.key());
      }
    }
    // Workers publish their engine every minute; a host silent for ten minutes is gone, and its images with it.
    Instant alive = Instant.now().minus(Duration.ofMinutes(10));
    List<String> hosts = new ArrayList<>();
    for (StoredObject engine : store.list(StoreKeys.ENGINES_PREFIX)) {
      String name = engine.key().substring(StoreKeys.ENGINES_PREFIX.length());
      if (name.endsWith(".json") && !name.contains("/") && engine.lastModified() != null
          && engine.lastModified().isAfter(alive)) {
        hosts.add(name.substring(0, name.length() - ".json".length()));
      }
    }
    return hosts;
  }

  /**
   * Removes the tags {@code reprise/job-<id>} of jobs this instance deleted (recorded under
   * {@code storage/deleted-images/}), and only when the tag still names the image the job recorded. A host's engine
   * is shared by every instance on it, and an image whose job this instance does not know may be another
   * instance's: it is never touched.
   */
  @Override
  public SweepReport.HostImages removeJobImages(String host) {
    List<String> present = engine.jobImages();
    List<String> removed = new ArrayList<>();
    for (StoredObject record : store.list(StoreKeys.DELETED_IMAGES_PREFIX)) {
      Map<String, String> deleted = readRecord(record.key());
      String jobId = deleted.get("job_id");
      String imageId = deleted.get("image_id");
      if (jobId == null || imageId == null) {
        continue;
      }
      String tag = DockerContainerEngine.JOB_IMAGE_PREFIX + jobId + ":latest";
      if (present.contains(tag) && imageId.equals(engine.imageId(tag))) {
        engine.removeImage(tag);
        removed.add(tag);
      }
      heartbeat();
    }
    return new SweepReport.HostImages(host, present.size(), removed, null, removeLeftFolders());
  }

  /**
   * Removes the folders of jobs that no longer run from this host's work root, with their containers and mounted
   * disks: a worker killed while its jobs ran (a host lost, the job's cleanup then ran on another host's worker)
   * leaves them behind, and nothing else would ever remove them. A folder touched in the last ten minutes is left
   * alone, and one whose job Temporal says still runs (a long job, or one whose cleanup is under way).
   */
  private List<String> removeLeftFolders() {
    Path root = settings.workRoot();
    if (root == null || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    Instant quiet = Instant.now().minus(FOLDER_QUIET);
    Workspace workspace = new Workspace(root);
    List<String> removed = new ArrayList<>();
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(root)) {
      for (Path folder : folders) {
        String jobId = folder.getFileName().toString();
        if (!JOB_FOLDER.matcher(jobId).matches()
            || !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
            || Files.getLastModifiedTime(folder, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(quiet)
            || directory.running(jobId)) {
          continue;
        }
        heartbeat();
        try {
          engine.removeContainer(JobActivitiesImpl.containerName(jobId));
          workspace.delete(jobId);
          removed.add(jobId);
        } catch (RuntimeException | IOException e) {
          // One folder that cannot go (a busy mount, a file it may not delete) waits for the next sweep; the rest go.
          log.warn("storage sweep: could not remove the folder of job {}: {}", jobId, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not look through the work root " + root, e);
    }
    if (!removed.isEmpty()) {
      log.info("storage sweep: removed the folders of {} jobs that no longer run: {}", removed.size(), removed);
    }
    return removed;
  }

  @SuppressWarnings("unchecked")
  private Map<String, String> readRecord(String key) {
    return store.open(key).map(in -> {
      try (in) {
        return (Map<String, String>) StorageSweeper.JSON.readValue(in, Map.class);
      } catch (IOException e) {
        return Map.<String, String>of();
      }
    }).orElse(Map.of());
  }

  @Override
  public void record(SweepReport report) {
    sweeper.record(report, REPORTS_KEPT);
  }

  private static void heartbeat() {
    Activity.getExecutionContext().heartbeat(null);
  }
}
