package io.reprise.workflows.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.Priority;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    activities = new FakeJobActivities();
    // Short heartbeat throttling, as the real worker has, so cancellation reaches a running activity quickly.
    WorkerOptions options = WorkerOptions.newBuilder()
        .setMaxHeartbeatThrottleInterval(Duration.ofMillis(100))
        .setDefaultHeartbeatThrottleInterval(Duration.ofMillis(100))
        .build();
    Worker shared = env.newWorker(QUEUE, options);
    shared.registerWorkflowImplementationTypes(JobWorkflowImpl.class);
    shared.registerActivitiesImplementations(activities);
    env.newWorker(FakeJobActivities.WORKER_QUEUE, options).registerActivitiesImplementations(activities);
    env.start();
  }

  @AfterEach
  void tearDown() {
    activities.released.countDown();
    env.close();
  }

  private WorkflowStub start(String jobId) {
    return start(new JobRequest(jobId, "c1", "tester"));
  }

  private WorkflowStub start(JobRequest request) {
    return start(request, null);
  }

  private WorkflowStub start(JobRequest request, Priority priority) {
    String jobId = request.jobId();
    WorkflowClient client = env.getWorkflowClient();
    WorkflowOptions.Builder options = WorkflowOptions.newBuilder()
        .setTaskQueue(QUEUE)
        .setWorkflowId(jobId)
        .setTypedSearchAttributes(SearchAttributes.newBuilder()
            .set(JobSearchAttributes.COMPENDIUM_ID, "c1")
            .set(JobSearchAttributes.SUBMITTER, "tester")
            .build());
    if (priority != null) {
      options.setPriority(priority);
    }
    JobWorkflow workflow = client.newWorkflowStub(JobWorkflow.class, options.build());
    WorkflowClient.start(workflow::run, request);
    return WorkflowStub.fromTyped(workflow);
  }

  private JobState runJob(String jobId) {
    return start(jobId).getResult(JobState.class);
  }

  private JobState published(String jobId) {
    WorkflowExecutionDescription description = env.getWorkflowClient().newUntypedWorkflowStub(jobId).describe();
    return description.getMemo(JobState.MEMO_KEY, JobState.class, JobState.class);
  }

  private static Map<String, StepStatus> statuses(JobState state) {
    return state.steps().stream().collect(Collectors.toMap(Step::name, Step::status));
  }

  private static Step step(JobState state, String name) {
    return state.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void everyStepRunsWithTheJobsPriorityAndFairnessKeyWhichTheStateShows() {
    JobState state = start(new JobRequest("job-prio", "c1", "alice"), JobPriority.of(2, "alice"))
        .getResult(JobState.class);

    assertEquals(JobStatus.SUCCESS, state.status());
    assertEquals(2, state.priority());
    assertEquals(2, published("job-prio").priority());
    for (String step : JobSteps.ORDER) {
      // The workflow sets no priority on its activities: they inherit the workflow's, on both task queues.
      assertEquals(List.of(JobPriority.of(2, "alice")), activities.prioritiesOf(step), step);
    }
  }

  @Test
  void aJobStartedWithoutPriorityShowsNone() {
    assertNull(runJob("job-no-prio").priority());
  }

  @Test
  void successfulJobRunsEveryStepInOrderAndRecordsTimes() {
    JobState state = runJob("job-ok");

    assertEquals(JobStatus.SUCCESS, state.status());
    assertEquals(JobSteps.ORDER, activities.calls());
    assertEquals(JobSteps.ORDER, state.steps().stream().map(Step::name).toList());
    for (Step step : state.steps()) {
      assertEquals(StepStatus.SUCCESS, step.status(), step.name());
      assertFalse(Instant.parse(step.end()).isBefore(Instant.parse(step.start())), step.name());
    }
    assertEquals("sha256:fake-image", state.imageId());
    assertEquals("sha256:fake-base", state.baseImageId());
    assertEquals(0, state.exitCode());
    assertEquals(JobSteps.ORDER, state.report().executionOrder());
    assertNull(state.report().exception());
    assertNotNull(state.report().created());
    assertEquals(step(state, JobSteps.VALIDATE).start(), state.report().started());
    assertFalse(Instant.parse(state.report().finished()).isBefore(Instant.parse(step(state, "cleanup").end())));
    Provenance provenance = state.provenance();
    assertEquals("sha256:content", provenance.compendiumContentHash());
    assertEquals("sha256:fake-image", provenance.imageId());
    assertEquals("sha256:fake-base", provenance.baseImageId());
    assertEquals(List.of("PATH=/bin"), provenance.environment());
    assertEquals(600, provenance.limits().timeoutSeconds());
    assertEquals("host-1", provenance.workerHost());
    assertEquals(FakeJobActivities.RUN.outputs(), provenance.outputs(), "what validate read, before the run");
    assertEquals(FakeJobActivities.RUN.ignore(), provenance.ignore(), "what validate read, before the run");
    assertEquals(provenance, activities.lastCleanup.provenance(), "cleanup stores what the job shows");
  }

  @Test
  void stepsAfterValidateRunOnTheWorkerThatHoldsTheJobFolder() {
    runJob("job-affinity");

    assertEquals(List.of(QUEUE), activities.queuesOf(JobSteps.VALIDATE));
    for (String step : List.of(JobSteps.COMPILE, JobSteps.EXECUTE, JobSteps.CLEANUP)) {
      assertEquals(List.of(FakeJobActivities.WORKER_QUEUE), activities.queuesOf(step), step);
    }
    // They wait for that worker's host as long as the validating worker said (600 s in the fake).
    List<Long> hostWaits = env.getWorkflowClient().fetchHistory("job-affinity").getEvents().stream()
        .filter(event -> event.hasActivityTaskScheduledEventAttributes())
        .map(event -> event.getActivityTaskScheduledEventAttributes())
        .filter(scheduled -> scheduled.getTaskQueue().getName().equals(FakeJobActivities.WORKER_QUEUE))
        .map(scheduled -> scheduled.getScheduleToStartTimeout().getSeconds())
        .toList();
    assertEquals(List.of(600L, 600L, 600L), hostWaits);
  }

  @Test
  void memoCarriesTheSameStateAsTheResult() {
    JobState result = runJob("job-memo");

    WorkflowExecutionDescription description = env.getWorkflowClient().newUntypedWorkflowStub("job-memo").describe();
    assertEquals(result, published("job-memo"));
    assertEquals("success", description.getTypedSearchAttributes().get(JobSearchAttributes.STATUS));
  }

  @Test
  void failedValidateSkipsCompileAndExecuteAndCleansUpOnTheSharedQueue() {
    activities.fail(JobSteps.VALIDATE, () -> JobFailure.INVALID_COMPENDIUM.failure("no Dockerfile"));

    JobState state = runJob("job-bad-archive");

    assertEquals(JobStatus.FAILURE, state.status());
    assertEquals(List.of(JobSteps.VALIDATE, JobSteps.CLEANUP), activities.calls());
    assertEquals("no Dockerfile", step(state, JobSteps.VALIDATE).text());
    assertEquals(StepStatus.SKIPPED, step(state, JobSteps.COMPILE).status());
    assertEquals("skipped: validate failed", step(state, JobSteps.EXECUTE).text());
    assertEquals(List.of(QUEUE), activities.queuesOf(JobSteps.CLEANUP));
    assertEquals(StepStatus.SUCCESS, step(state, JobSteps.CLEANUP).status());
  }

  @Test
  void failedBuildSkipsExecuteAndStillCleansUp() {
    activities.fail(JobSteps.COMPILE,
        () -> JobFailure.BUILD_FAILED.failure("Step 2/3 : RUN false\nreturned a non-zero code: 1"));

    JobState state = runJob("job-bad-build");

    assertEquals(JobStatus.FAILURE, state.status());
    assertEquals(List.of(JobSteps.VALIDATE, JobSteps.COMPILE, JobSteps.CLEANUP), activities.calls());
    Map<String, StepStatus> statuses = statuses(state);
    assertEquals(StepStatus.SUCCESS, statuses.get(JobSteps.VALIDATE));
    assertEquals(StepStatus.FAILURE, statuses.get(JobSteps.COMPILE));
    assertEquals(StepStatus.SKIPPED, statuses.get(JobSteps.EXECUTE));
    assertEquals(StepStatus.SUCCESS, statuses.get(JobSteps.CLEANUP));
    assertTrue(step(state, JobSteps.COMPILE).text().contains("RUN false"));
    assertNull(step(state, JobSteps.EXECUTE).start());
    assertNull(state.imageId());
    assertEquals(1, activities.attempts(JobSteps.COMPILE), "user errors are not retried");
    assertNull(state.report().exception(), "a user error is no infrastructure exception");
  }

  @Test
  void failingProgramFailsExecuteAndStillCleansUp() {
    activities.fail(JobSteps.EXECUTE, () -> JobFailure.EXECUTION_FAILED.failure("exited with code 3", 3));

    JobState state = runJob("job-bad-program");

    assertEquals(JobStatus.FAILURE, state.status());
    assertEquals(StepStatus.FAILURE, step(state, JobSteps.EXECUTE).status());
    assertEquals("exited with code 3", step(state, JobSteps.EXECUTE).text());
    assertEquals(3, state.exitCode(), "the exit code of a failed program is kept");
    assertEquals(StepStatus.SUCCESS, step(state, JobSteps.CLEANUP).status());
    assertEquals(JobSteps.ORDER, activities.calls());
  }

  @Test
  void cleanupThatKeepsFailingEndsTheJobAsFailureWithTheException() {
    activities.fail(JobSteps.CLEANUP, () -> new IllegalStateException("MinIO refused the upload"));

    JobState state = runJob("job-bad-cleanup");

    assertEquals(JobStatus.FAILURE, state.status());
    assertEquals(20, activities.attempts(JobSteps.CLEANUP), "infrastructure errors are retried up to the limit");
    assertTrue(step(state, JobSteps.CLEANUP).text().contains("MinIO refused the upload"));
    JobReport.ExceptionInfo exception = state.report().exception();
    assertNotNull(exception);
    assertEquals(JobSteps.CLEANUP, exception.step());
    assertEquals("java.lang.IllegalStateException", exception.type());
    assertTrue(exception.stack().contains("IllegalStateException"), exception.stack());
  }

  /**
   * A worker killed during a step (kill -9: no heartbeat, no answer) is noticed by the step's heartbeat timeout,
   * and the step's next attempt runs within seconds of workflow time. Cleanup had no heartbeat timeout: its next
   * attempt came after the ten-minute start-to-close timeout; compile and execute waited a minute.
   */
  private void workerKilledDuring(String step) {
    activities.dieDuringFirstAttempt(step);

    JobState state = runJob("job-worker-killed-during-" + step);

    assertEquals(JobStatus.SUCCESS, state.status());
    assertEquals(2, activities.attempts(step));
    Step done = step(state, step);
    Duration took = Duration.between(Instant.parse(done.start()), Instant.parse(done.end()));
    assertTrue(took.compareTo(Duration.ofSeconds(20)) <= 0, step + " took " + took + " of workflow time");
  }

  @Test
  void aWorkerKilledDuringCompileIsReplacedWithinTwentySeconds() {
    workerKilledDuring(JobSteps.COMPILE);
  }

  @Test
  void aWorkerKilledDuringExecuteIsReplacedWithinTwentySeconds() {
    workerKilledDuring(JobSteps.EXECUTE);
  }

  @Test
  void aWorkerKilledDuringCleanupIsReplacedWithinTwentySeconds() {
    workerKilledDuring(JobSteps.CLEANUP);
  }

  @Test
  void infrastructureErrorThatRecoversIsRetriedAndTheStepSucceeds() {
    activities.failTransiently(JobSteps.VALIDATE, 2);

    JobState state = runJob("job-flaky-store");

    assertEquals(JobStatus.SUCCESS, state.status());
    assertEquals(3, activities.attempts(JobSteps.VALIDATE));
    assertEquals(StepStatus.SUCCESS, step(state, JobSteps.VALIDATE).status());
    assertNull(state.report().exception());
  }

  @Test
  void validateWarningsMakeAWarningStepButASuccessfulJob() {
    activities.warn(List.of("memory 8 GiB capped to the server maximum 2 GiB"));

    JobState state = runJob("job-warning");

    assertEquals(StepStatus.WARNING, step(state, JobSteps.VALIDATE).status());
    assertTrue(step(state, JobSteps.VALIDATE).text().contains("capped"));
    assertEquals(JobStatus.SUCCESS, state.status());
  }

  @Test
  void rerunRunsTheRecordedImageWithoutBuilding() {
    JobState state = start(new JobRequest("job-rerun", "c1", "auditor", "job-old", "sha256:recorded", false))
        .getResult(JobState.class);

    assertEquals("sha256:recorded", activities.lastCompile.reuseImageId());
    assertEquals("sha256:recorded", state.imageId());
    assertEquals("job-old", state.rerunOf());
    assertNull(state.rebuiltImageIdentical(), "nothing was rebuilt");
    assertEquals(JobStatus.SUCCESS, state.status());
  }

  @Test
  void rebuildSaysWhetherTheImageIdIsTheSame() {
    JobState same = start(new JobRequest("job-rebuild-same", "c1", "auditor", "job-old", "sha256:fake-image", true))
        .getResult(JobState.class);
    JobState other = start(new JobRequest("job-rebuild-other", "c1", "auditor", "job-old", "sha256:older", true))
        .getResult(JobState.class);

    assertNull(activities.lastCompile.reuseImageId(), "a rebuild builds");
    assertEquals(Boolean.TRUE, same.rebuiltImageIdentical());
    assertTrue(step(same, JobSteps.COMPILE).text().startsWith("rebuilt image is identical to the recorded one"));
    assertEquals(Boolean.FALSE, other.rebuiltImageIdentical());
    assertTrue(step(other, JobSteps.COMPILE).text().contains("recorded sha256:older, rebuilt sha256:fake-image"));
  }

  @Test
  void cancelDuringExecuteStopsItSkipsNothingElseAndStillCleansUp() throws Exception {
    activities.holdExecuteUntilCancelled();
    WorkflowStub job = start("job-cancel");
    assertTrue(activities.executeStarted.await(30, TimeUnit.SECONDS), "execute did not start");

    job.cancel();

    WorkflowFailedException ended = assertThrows(WorkflowFailedException.class, () -> job.getResult(JobState.class));
    assertInstanceOf(CanceledFailure.class, ended.getCause());
    assertTrue(activities.executeSawCancellation, "the execute activity was told to stop");
    JobState state = published("job-cancel");
    assertEquals(JobStatus.FAILURE, state.status());
    assertEquals(StepStatus.FAILURE, step(state, JobSteps.EXECUTE).status());
    assertEquals("cancelled", step(state, JobSteps.EXECUTE).text());
    assertEquals(StepStatus.SUCCESS, step(state, JobSteps.CLEANUP).status());
    assertEquals(JobSteps.ORDER, activities.calls());
  }
}
