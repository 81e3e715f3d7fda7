package io.reprise.workflows.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Workflow logic on Temporal's in-memory test server, with the activities replaced by a recording fake. */
class JobWorkflowTest {

  private static final String QUEUE = "job-workflow-test";

  private TestWorkflowEnvironment env;
  private FakeJobActivities activities;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    JobSearchAttributes.ALL.forEach(key ->
        env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(JobWorkflowImpl.class);
    activities = new FakeJobActivities();
    worker.registerActivitiesImplementations(activities);
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private JobState runJob(String jobId) {
    WorkflowClient client = env.getWorkflowClient();
    JobWorkflow workflow = client.newWorkflowStub(JobWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(QUEUE)
        .setWorkflowId(jobId)
        .setTypedSearchAttributes(SearchAttributes.newBuilder()
            .set(JobSearchAttributes.COMPENDIUM_ID, "c1")
            .set(JobSearchAttributes.SUBMITTER, "tester")
            .build())
        .build());
    return workflow.run(new JobRequest(jobId, "c1", "tester"));
  }

  private static Map<String, StepStatus> statuses(JobState state) {
    return state.steps().stream().collect(Collectors.toMap(Step::name, Step::status));
  }

  @Test
  void successfulJobRunsEveryStepInOrderAndRecordsTimes() {
    JobState state = runJob("job-ok");

    assertEquals(JobStatus.SUCCESS, state.status());
    assertEquals(JobSteps.ORDER, activities.calls());
    assertEquals(JobSteps.ORDER, state.steps().stream().map(Step::name).toList());
    for (Step step : state.steps()) {
      assertEquals(StepStatus.SUCCESS, step.status(), step.name());
      Instant start = Instant.parse(step.start());
      Instant end = Instant.parse(step.end());
      assertTrue(!end.isBefore(start), step.name() + " ends before it starts");
    }
    assertEquals("sha256:fake-image", state.imageId());
    assertEquals(0, state.exitCode());
    assertEquals("ran 3 lines", state.steps().get(2).text());
  }

  @Test
  void memoCarriesTheSameStateAsTheResult() {
    JobState result = runJob("job-memo");

    WorkflowExecutionDescription description = env.getWorkflowClient().newUntypedWorkflowStub("job-memo").describe();
    JobState published = description.getMemo(JobState.MEMO_KEY, JobState.class, JobState.class);

    assertEquals(result, published);
    assertEquals("success", description.getTypedSearchAttributes().get(JobSearchAttributes.STATUS));
  }

  @Test
  void failedBuildSkipsExecuteAndStillCleansUp() {
    activities.failCompileWith(JobFailure.BUILD_FAILED.failure("Step 2/3 : RUN false\nreturned a non-zero code: 1"));

    JobState state = runJob("job-bad-build");

    assertEquals(JobStatus.FAILURE, state.status());
    assertEquals(List.of(JobSteps.VALIDATE, JobSteps.COMPILE, JobSteps.CLEANUP), activities.calls());
    Map<String, StepStatus> statuses = statuses(state);
    assertEquals(StepStatus.SUCCESS, statuses.get(JobSteps.VALIDATE));
    assertEquals(StepStatus.FAILURE, statuses.get(JobSteps.COMPILE));
    assertEquals(StepStatus.SKIPPED, statuses.get(JobSteps.EXECUTE));
    assertEquals(StepStatus.SUCCESS, statuses.get(JobSteps.CLEANUP));
    Step compile = state.steps().get(1);
    assertTrue(compile.text().contains("RUN false"), compile.text());
    assertTrue(compile.end() != null && compile.start() != null);
    Step execute = state.steps().get(2);
    assertNull(execute.start());
    assertNull(state.imageId());
  }

  @Test
  void userErrorsAreNotRetried() {
    activities.failCompileWith(JobFailure.BUILD_FAILED.failure("no such base image"));

    runJob("job-no-retry");

    assertEquals(1, activities.attempts(JobSteps.COMPILE));
  }
}
