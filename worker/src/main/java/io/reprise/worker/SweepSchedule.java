package io.reprise.worker;

import io.reprise.workflows.storage.StorageSweepWorkflow;
import io.reprise.workflows.storage.SweepRequest;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.client.schedules.ScheduleUpdate;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the storage sweep's Temporal Schedule when it is missing, and brings its interval and task queue to this
 * worker's settings when they differ: every worker does this at start, so it is idempotent and the last one
 * started wins. Overlapping runs are skipped; a run the worker missed (Temporal down) is caught up within a day.
 */
public final class SweepSchedule {

  private static final Logger log = LoggerFactory.getLogger(SweepSchedule.class);

  private SweepSchedule() {}

  public static Schedule schedule(String taskQueue, Duration interval) {
    return Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(StorageSweepWorkflow.class)
            .setArguments(SweepRequest.scheduled())
            .setOptions(WorkflowOptions.newBuilder()
                .setWorkflowId(StorageSweepWorkflow.SCHEDULE_ID)
                .setTaskQueue(taskQueue)
                .setWorkflowRunTimeout(Duration.ofHours(6))
                .build())
            .build())
        .setSpec(ScheduleSpec.newBuilder().setIntervals(List.of(new ScheduleIntervalSpec(interval))).build())
        .setPolicy(SchedulePolicy.newBuilder()
            .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
            .setCatchupWindow(Duration.ofDays(1))
            .build())
        .setState(ScheduleState.newBuilder()
            .setNote("Reprise's storage sweep: expire, mark, sweep (see the README, Storage by content)")
            .build())
        .build();
  }

  /** Answers what was done: {@code created}, {@code updated} or {@code unchanged}. */
  public static String ensure(WorkflowClient client, String taskQueue, Duration interval) {
    ScheduleClient schedules = ScheduleClient.newInstance(client.getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder().setNamespace(client.getOptions().getNamespace())
            .setDataConverter(client.getOptions().getDataConverter()).build());
    Schedule wanted = schedule(taskQueue, interval);
    try {
      schedules.createSchedule(StorageSweepWorkflow.SCHEDULE_ID, wanted, ScheduleOptions.newBuilder().build());
      log.info("made the storage sweep's schedule {}: every {}", StorageSweepWorkflow.SCHEDULE_ID, interval);
      return "created";
    } catch (ScheduleAlreadyRunningException exists) {
      ScheduleHandle handle = schedules.getHandle(StorageSweepWorkflow.SCHEDULE_ID);
      Schedule current = handle.describe().getSchedule();
      boolean sameInterval = current.getSpec().getIntervals().size() == 1
          && current.getSpec().getIntervals().get(0).getEvery().equals(interval);
      boolean sameQueue = current.getAction() instanceof ScheduleActionStartWorkflow start
          && taskQueue.equals(start.getOptions().getTaskQueue());
      if (sameInterval && sameQueue) {
        return "unchanged";
      }
      handle.update(input -> new ScheduleUpdate(Schedule.newBuilder(wanted)
          .setState(input.getDescription().getSchedule().getState()).build()));
      log.info("set the storage sweep's schedule {} to every {}", StorageSweepWorkflow.SCHEDULE_ID, interval);
      return "updated";
    }
  }
}
