package io.reprise.activities.sweep;

import io.reprise.activities.docker.ContainerEngine;
import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.StoredObject;
import io.reprise.workflows.storage.StorageActivities;
import io.reprise.workflows.storage.SweepReport;
import io.reprise.workflows.storage.SweepRequest;
import io.temporal.activity.Activity;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The storage sweep's activities on a worker, with the worker's retention and grace as defaults. */
public class StorageActivitiesImpl implements StorageActivities {

  private static final Logger log = LoggerFactory.getLogger(StorageActivitiesImpl.class);

  /** How many sweep reports the store keeps. */
  public static final int REPORTS_KEPT = 50;

  /** The worker's settings: retention per status (zero: forever) and the grace. */
  public record Settings(Duration retentionSuccess, Duration retentionFailure, Duration grace) {}

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

  /** How long a deleted job's image record waits for the hosts' image sweeps before it is dropped. */
  public static final Duration IMAGE_RECORDS_KEPT = Duration.ofDays(1);

  @Override
  public List<String> hosts() {
    java.time.Instant stale = java.time.Instant.now().minus(IMAGE_RECORDS_KEPT);
    for (StoredObject record : store.list(StoreKeys.DELETED_IMAGES_PREFIX)) {
      if (record.lastModified() != null && record.lastModified().isBefore(stale)) {
        store.delete(record.key());
      }
    }
    // Workers publish their engine every minute; a host silent for ten minutes is gone, and its images with it.
    java.time.Instant alive = java.time.Instant.now().minus(Duration.ofMinutes(10));
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
    return new SweepReport.HostImages(host, present.size(), removed, null);
  }

  @SuppressWarnings("unchecked")
  private Map<String, String> readRecord(String key) {
    return store.open(key).map(in -> {
      try (in) {
        return (Map<String, String>) StorageSweeper.JSON.readValue(in, Map.class);
      } catch (java.io.IOException e) {
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
