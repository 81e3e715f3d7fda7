package io.reprise.workflows.storage;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Expire, then mark and sweep blobs, then the registry tags of deleted jobs, then each host's job images, then store
 * the report.
 */
public class StorageSweepWorkflowImpl implements StorageSweepWorkflow {

  // Store and Temporal outages are retried for about ten minutes; a sweep that still fails is retried by the
  // schedule's next run, and the failure shows in the Web UI.
  private static final RetryOptions RETRY = RetryOptions.newBuilder()
      .setInitialInterval(Duration.ofSeconds(1))
      .setMaximumInterval(Duration.ofMinutes(1))
      .setMaximumAttempts(15)
      .build();

  // Listing and reading every manifest of a large store takes minutes; the heartbeat notices a dead worker, and the
  // next attempt starts the phase again (both phases are safe to repeat).
  private static final ActivityOptions LONG = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(2))
      .setHeartbeatTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RETRY)
      .build();

  private static final ActivityOptions SHORT = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RETRY)
      .build();

  // A host whose workers are gone does not hold up the sweep: its images wait for the next one. A host that is
  // up takes the task within a second; one that published its engine lately but stopped costs 15 s.
  private static final ActivityOptions HOST = ActivityOptions.newBuilder()
      .setScheduleToStartTimeout(Duration.ofSeconds(15))
      .setStartToCloseTimeout(Duration.ofMinutes(10))
      .setHeartbeatTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
      .build();

  @Override
  public SweepReport run(SweepRequest request) {
    SweepRequest asked = request == null ? SweepRequest.scheduled() : request;
    long start = Workflow.currentTimeMillis();
    StorageActivities shared = Workflow.newActivityStub(StorageActivities.class, LONG);
    StorageActivities quick = Workflow.newActivityStub(StorageActivities.class, SHORT);
    // Expired jobs go first, so this sweep's mark no longer counts their manifests.
    SweepReport.ExpireResult expired = shared.expire(asked);
    SweepReport.BlobSweep blobs = shared.sweep(asked);
    // Sweeps that started before this step existed replay without it.
    SweepReport.RegistryTags tags = null;
    if (Workflow.getVersion("registry-tags", Workflow.DEFAULT_VERSION, 1) >= 1) {
      try {
        tags = shared.removeRegistryTags();
      } catch (ActivityFailure failure) {
        // The tags wait for the next sweep; the hosts' sweep and the report go on.
        tags = new SweepReport.RegistryTags(null, 0, 0, 0, "the registry's sweep failed: "
            + failure.getCause().getMessage());
      }
    }
    String queue = Workflow.getInfo().getTaskQueue();
    List<String> names = quick.hosts();
    List<Promise<SweepReport.HostImages>> onHosts = new ArrayList<>();
    for (String host : names) {
      StorageActivities onHost = Workflow.newActivityStub(StorageActivities.class,
          ActivityOptions.newBuilder(HOST).setTaskQueue(queue + "@" + host).build());
      onHosts.add(Async.function(onHost::removeJobImages, host));
    }
    List<SweepReport.HostImages> hosts = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      try {
        hosts.add(onHosts.get(i).get());
      } catch (ActivityFailure failure) {
        hosts.add(new SweepReport.HostImages(names.get(i), 0, List.of(),
            failure.getCause() instanceof TimeoutFailure
                ? "no worker of the host took the image sweep within 15 seconds; its images wait for the next sweep"
                : "the image sweep failed: " + failure.getCause().getMessage(), List.of()));
      }
    }
    long end = Workflow.currentTimeMillis();
    SweepReport report = new SweepReport(Workflow.getInfo().getWorkflowId(), asked.trigger(),
        Instant.ofEpochMilli(start).toString(), Instant.ofEpochMilli(end).toString(), end - start, expired, blobs,
        hosts, tags);
    quick.record(report);
    return report;
  }
}
