package io.reprise.workflows.jobs;

import io.reprise.workflows.jobs.JobActivities.CleanupRequest;
import io.reprise.workflows.jobs.JobActivities.CompileRequest;
import io.reprise.workflows.jobs.JobActivities.CompileResult;
import io.reprise.workflows.jobs.JobActivities.ExecuteRequest;
import io.reprise.workflows.jobs.JobActivities.ExecuteResult;
import io.reprise.workflows.jobs.JobActivities.ValidateRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;

public class JobWorkflowImpl implements JobWorkflow {

  private static final Logger log = Workflow.getLogger(JobWorkflowImpl.class);

  // Infrastructure errors (Docker or MinIO unreachable) retry with backoff for a few minutes before the step fails;
  // user errors are non-retryable failures and are never retried.
  private static final RetryOptions INFRASTRUCTURE_RETRY = RetryOptions.newBuilder()
      .setInitialInterval(Duration.ofSeconds(1))
      .setBackoffCoefficient(2.0)
      .setMaximumInterval(Duration.ofSeconds(30))
      .setMaximumAttempts(8)
      .build();

  // Validation downloads and unpacks one archive; two minutes covers archives of hundreds of megabytes.
  private final JobActivities validateActivity = stub(Duration.ofMinutes(2), null);

  // Image builds can install packages from a local base image; an hour bounds a runaway build, and the
  // heartbeat (sent while the build streams its log) notices a dead worker within a minute.
  private final JobActivities compileActivity = stub(Duration.ofHours(1), Duration.ofMinutes(1));

  // The program's own wall-clock limit is enforced inside the activity (reprise.execute.timeout); this bound
  // only has to exceed the largest limit allowed, and the heartbeat notices a dead worker within a minute.
  private final JobActivities executeActivity = stub(Duration.ofHours(7), Duration.ofMinutes(1));

  // Cleanup uploads the working directory; ten minutes per attempt covers large outputs, and it retries like the
  // others so a MinIO outage delays cleanup rather than losing results.
  private final JobActivities cleanupActivity = stub(Duration.ofMinutes(10), null);

  private final List<Step> steps = new ArrayList<>();
  private JobRequest request;
  private String imageId;
  private Integer exitCode;

  private static JobActivities stub(Duration startToClose, Duration heartbeat) {
    ActivityOptions.Builder options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(startToClose)
        .setRetryOptions(INFRASTRUCTURE_RETRY);
    if (heartbeat != null) {
      options.setHeartbeatTimeout(heartbeat);
    }
    return Workflow.newActivityStub(JobActivities.class, options.build());
  }

  @Override
  public JobState run(JobRequest request) {
    this.request = request;
    JobSteps.ORDER.forEach(name -> steps.add(Step.queued(name)));
    Workflow.upsertTypedSearchAttributes(JobSearchAttributes.STATUS.valueSet(JobStatus.RUNNING.wireName()));

    boolean ok = runStep(JobSteps.VALIDATE,
        () -> validateActivity.validate(new ValidateRequest(request.jobId(), request.compendiumId())),
        JobActivities.ValidateResult::text);
    CompileResult compiled = null;
    if (ok) {
      compiled = runStepFor(JobSteps.COMPILE, () -> compileActivity.compile(new CompileRequest(request.jobId())),
          CompileResult::text);
      ok = compiled != null;
    }
    if (ok) {
      imageId = compiled.imageId();
      String tag = compiled.imageTag();
      ExecuteResult executed = runStepFor(JobSteps.EXECUTE,
          () -> executeActivity.execute(new ExecuteRequest(request.jobId(), tag)), ExecuteResult::text);
      if (executed != null) {
        exitCode = executed.exitCode();
      }
    }
    skipQueuedStepsBeforeCleanup();

    // Cleanup runs whatever happened before, including cancellation of the workflow: a detached scope is not
    // cancelled with the workflow, so the container is removed and the working directory still reaches MinIO.
    Workflow.newDetachedCancellationScope(() -> runStep(JobSteps.CLEANUP,
        () -> cleanupActivity.cleanup(new CleanupRequest(request.jobId())),
        JobActivities.CleanupResult::text)).run();

    JobState finalState = state();
    Workflow.upsertTypedSearchAttributes(JobSearchAttributes.STATUS.valueSet(finalState.status().wireName()));
    log.info("job {} ended with status {}", request.jobId(), finalState.status().wireName());
    return finalState;
  }

  @Override
  public JobState state() {
    if (request == null) {
      return new JobState(null, null, JobStatus.RUNNING, List.of(), null, null);
    }
    return new JobState(request.jobId(), request.compendiumId(), JobStatus.of(steps), List.copyOf(steps), imageId,
        exitCode);
  }

  private <T> boolean runStep(String name, Supplier<T> call, Function<T, String> text) {
    return runStepFor(name, call, text) != null;
  }

  /** Runs one step's activity, recording its status and times; answers null when the step failed. */
  private <T> T runStepFor(String name, Supplier<T> call, Function<T, String> text) {
    replace(name, step -> step.running(now()));
    try {
      T result = call.get();
      replace(name, step -> step.finished(StepStatus.SUCCESS, now(), text.apply(result)));
      return result;
    } catch (ActivityFailure failure) {
      replace(name, step -> step.finished(StepStatus.FAILURE, now(), describe(failure)));
      return null;
    } catch (CanceledFailure cancelled) {
      replace(name, step -> step.finished(StepStatus.FAILURE, now(), "cancelled"));
      return null;
    }
  }

  private void skipQueuedStepsBeforeCleanup() {
    boolean changed = false;
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (step.status() == StepStatus.QUEUED && !step.name().equals(JobSteps.CLEANUP)) {
        steps.set(i, step.skipped("skipped because an earlier step failed"));
        changed = true;
      }
    }
    if (changed) {
      publish();
    }
  }

  private void replace(String name, UnaryOperator<Step> change) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).name().equals(name)) {
        steps.set(i, change.apply(steps.get(i)));
        publish();
        return;
      }
    }
    throw new IllegalStateException("no step named " + name);
  }

  /**
   * Writes the job's state into the workflow's memo. Describing a workflow returns its memo without a worker, so
   * the API shows a job's steps even while no worker runs, where a query would wait for one.
   */
  private void publish() {
    Workflow.upsertMemo(Map.of(JobState.MEMO_KEY, state()));
  }

  private static String describe(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure af) {
      return af.getOriginalMessage();
    }
    if (cause instanceof TimeoutFailure tf) {
      return "the worker did not finish this step in time (" + tf.getTimeoutType() + ")";
    }
    if (cause instanceof CanceledFailure) {
      return "cancelled";
    }
    return cause == null ? failure.getMessage() : cause.getMessage();
  }

  private static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }
}
