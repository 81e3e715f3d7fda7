package io.reprise.workflows.audits;

import io.reprise.workflows.jobs.JobWorkflowReplayTest;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays audits recorded on the dev server (AuditIT's runs, {@code temporal workflow show -o json}) against the
 * current audit workflow, so that a change which would break running audits fails here first.
 */
class AuditWorkflowReplayTest {

  @ParameterizedTest
  @ValueSource(strings = {"audit-five-jobs", "audit-with-skipped"})
  void recordedAuditReplaysOnTheCurrentWorkflow(String name) throws Exception {
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(
        JobWorkflowReplayTest.read("histories/" + name + ".json"));

    WorkflowReplayer.replayWorkflowExecution(history, AuditWorkflowImpl.class);
  }
}
