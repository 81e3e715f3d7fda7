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

  @Override
  public List<String> hosts() {
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

  @Override
  public SweepReport.HostImages removeJobImages(String host) {
    List<String> images = engine.jobImages();
    List<String> removed = new ArrayList<>();
    for (String tag : images) {
      String jobId = tag.substring(DockerContainerEngine.JOB_IMAGE_PREFIX.length()).replaceFirst(":[^:]*$", "");
      // Only an image whose job Temporal no longer has: a running job's, an ended job's (kept for re-runs) stay.
      if (!jobId.isEmpty() && !directory.exists(jobId)) {
        engine.removeImage(tag);
        removed.add(tag);
      }
      heartbeat();
    }
    return new SweepReport.HostImages(host, images.size(), removed, null);
  }

  @Override
  public void record(SweepReport report) {
    sweeper.record(report, REPORTS_KEPT);
  }

  private static void heartbeat() {
    Activity.getExecutionContext().heartbeat(null);
  }
}
