package io.reprise.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.activity.ActivityInfo;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Step durations by step and outcome, and queue waits, as a real worker runs activities through the interceptor. */
class StepMetricsTest {

  @ActivityInterface
  public interface Steps {
    @ActivityMethod(name = "Validate")
    String validate(boolean fail);
  }

  /** Named like Reprise's job workflow, whose first step's wait is the job's queue wait. */
  @WorkflowInterface
  public interface Job {
    @WorkflowMethod(name = "JobWorkflow")
    String run(boolean fail);
  }

  public static class JobImpl implements Job {
    @Override
    public String run(boolean fail) {
      return Workflow.newActivityStub(Steps.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build()).validate(fail);
    }
  }

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final StepMetrics metrics = new StepMetrics(registry);

  @Test
  void eachStepIsTimedByOutcomeAndTheFirstStepsWaitIsTheJobsQueueWait() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder().setWorkerInterceptors(metrics).build())
        .build())) {
      Worker worker = env.newWorker("steps");
      worker.registerWorkflowImplementationTypes(JobImpl.class);
      worker.registerActivitiesImplementations((Steps) fail -> {
        if (fail) {
          throw ApplicationFailure.newNonRetryableFailure("the program exited with code 3", "EXECUTION_FAILED");
        }
        return "ok";
      });
      env.start();
      WorkflowOptions options = WorkflowOptions.newBuilder().setTaskQueue("steps").build();

      assertEquals("ok", env.getWorkflowClient().newWorkflowStub(Job.class, options).run(false));
      assertThrows(WorkflowFailedException.class,
          () -> env.getWorkflowClient().newWorkflowStub(Job.class, options).run(true));
    }

    Timer succeeded = registry.get(StepMetrics.STEP_DURATION).tags("step", "validate", "outcome", "success").timer();
    Timer failed = registry.get(StepMetrics.STEP_DURATION).tags("step", "validate", "outcome", "failure").timer();
    assertEquals(1, succeeded.count());
    assertEquals(1, failed.count());
    assertTrue(succeeded.totalTime(TimeUnit.NANOSECONDS) > 0);
    assertEquals(2, registry.get(StepMetrics.JOB_QUEUE_WAIT).timer().count(), "one queue wait per job");
    assertEquals(2, registry.get(StepMetrics.STEP_QUEUE_WAIT).tag("step", "validate").timer().count());
  }

  private static ActivityInfo info(String workflowType, String activityType, int attempt, long scheduled,
      long started) {
    ActivityInfo info = mock(ActivityInfo.class);
    when(info.getWorkflowType()).thenReturn(workflowType);
    when(info.getActivityType()).thenReturn(activityType);
    when(info.getAttempt()).thenReturn(attempt);
    when(info.getCurrentAttemptScheduledTimestamp()).thenReturn(scheduled);
    when(info.getStartedTimestamp()).thenReturn(started);
    return info;
  }

  @Test
  void theQueueWaitIsFromSchedulingToStart() {
    metrics.queued(info("JobWorkflow", "Validate", 1, 1_000, 4_500));

    assertEquals(3500, registry.get(StepMetrics.JOB_QUEUE_WAIT).timer().totalTime(TimeUnit.MILLISECONDS));
    assertEquals(3500, registry.get(StepMetrics.STEP_QUEUE_WAIT).tag("step", "validate").timer()
        .totalTime(TimeUnit.MILLISECONDS));
  }

  @Test
  void laterStepsRetriesAndAuditsAreNoJobQueueWait() {
    metrics.queued(info("JobWorkflow", "Execute", 1, 1_000, 2_000));
    metrics.queued(info("JobWorkflow", "Validate", 2, 1_000, 2_000));
    metrics.queued(info("AuditWorkflow", "Validate", 1, 1_000, 2_000));

    assertNull(registry.find(StepMetrics.JOB_QUEUE_WAIT).timer());
    assertEquals(1, registry.get(StepMetrics.STEP_QUEUE_WAIT).tag("step", "execute").timer().count());
  }

  @Test
  void durationsPublishHistogramBucketsToPrometheus() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new StepMetrics(prometheus).queued(info("JobWorkflow", "Validate", 1, 1_000, 2_000));

    String scraped = prometheus.scrape();

    assertTrue(scraped.contains("# TYPE reprise_job_queue_wait_seconds histogram"), scraped);
    assertTrue(scraped.contains("reprise_job_queue_wait_seconds_bucket{le=\"+Inf\"} 1"), scraped);
    assertTrue(scraped.lines().filter(line -> line.startsWith("reprise_job_queue_wait_seconds_bucket")).count() > 10,
        "buckets from milliseconds to hours");
    assertTrue(scraped.contains("reprise_step_queue_wait_seconds_bucket{step=\"validate\",le=\"+Inf\"} 1"),
        scraped);
  }

  @Test
  void outcomesNameWhatEndedTheStep() {
    assertEquals("failure", StepMetrics.outcome(ApplicationFailure.newFailure("bad", "BUILD_FAILED")));
    assertEquals("cancelled", StepMetrics.outcome(new io.temporal.client.ActivityCanceledException()));
    assertEquals("error", StepMetrics.outcome(new IllegalStateException("the engine did not answer")));
    assertEquals("execute", StepMetrics.stepName("Execute"));
  }
}
