package io.reprise.workflows.jobs;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays histories recorded from real jobs on the dev server (with {@code temporal workflow show -o json}) against
 * the current workflow code. A change that would break running jobs, by issuing different commands for the same
 * history, fails here. Record a new history when a change is meant to alter the workflow's commands, and version
 * the change with Workflow.getVersion so that older histories still replay.
 */
public class JobWorkflowReplayTest {

  @ParameterizedTest
  @ValueSource(strings = {"success", "build-failure", "program-exit-4", "timeout", "cancelled-during-execute",
      "success-stored-by-content"})
  void recordedHistoryReplaysOnTheCurrentWorkflow(String name) throws Exception {
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(read("histories/" + name + ".json"));

    // Throws when the current code issues different commands than the recorded run did.
    WorkflowReplayer.replayWorkflowExecution(history, JobWorkflowImpl.class);
  }

  /** The control: a workflow that schedules its activities differently must fail to replay the same history. */
  @Test
  void historyDoesNotReplayOnAWorkflowThatChangedItsCommands() throws Exception {
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(read("histories/success.json"));

    assertThrows(RuntimeException.class,
        () -> WorkflowReplayer.replayWorkflowExecution(history, CompileFirstWorkflow.class));
  }

  /** Schedules compile where the recorded run scheduled validate. */
  public static class CompileFirstWorkflow implements JobWorkflow {
    @Override
    public JobState run(JobRequest request) {
      JobActivities activities = Workflow.newActivityStub(JobActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1)).build());
      activities.compile(new JobActivities.CompileRequest(request.jobId(), ""));
      return state();
    }

    @Override
    public JobState state() {
      return JobState.notStarted(null, null);
    }
  }

  public static String read(String resource) throws IOException {
    try (InputStream in = JobWorkflowReplayTest.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
