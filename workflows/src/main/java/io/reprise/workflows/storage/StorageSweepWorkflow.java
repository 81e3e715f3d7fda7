package io.reprise.workflows.storage;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One storage sweep: expire ended jobs past their retention, then mark every blob a job's manifest refers to and
 * sweep the rest (through the trash, see {@link StorageActivities#sweep}), then remove the job images of jobs that
 * no longer exist on each worker host. A Temporal Schedule runs it (id {@link #SCHEDULE_ID}); an operator may
 * start one at once through the API. Its result is the sweep's figures, also stored for the API.
 */
@WorkflowInterface
public interface StorageSweepWorkflow {

  /** The schedule every worker makes at start when it is missing, in the instance's namespace. */
  String SCHEDULE_ID = "reprise-storage-sweep";

  /** The id prefix of sweeps an operator starts through the API; scheduled ones carry the schedule's id. */
  String MANUAL_PREFIX = "storage-sweep-";

  @WorkflowMethod
  SweepReport run(SweepRequest request);
}
