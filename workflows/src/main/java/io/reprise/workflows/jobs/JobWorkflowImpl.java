package io.reprise.workflows.jobs;

import io.reprise.workflows.jobs.JobActivities.CleanupRequest;
import io.reprise.workflows.jobs.JobActivities.CleanupResult;
import io.reprise.workflows.jobs.JobActivities.CompileRequest;
import io.reprise.workflows.jobs.JobActivities.CompileResult;
import io.reprise.workflows.jobs.JobActivities.ExecuteRequest;
import io.reprise.workflows.jobs.JobActivities.ExecuteResult;
import io.reprise.workflows.jobs.JobActivities.ValidateRequest;
import io.reprise.workflows.jobs.JobActivities.ValidateResult;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;
import java.io.PrintWriter;
import java.io.StringWriter;
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

  // Infrastructure errors (Docker or MinIO unreachable) retry with backoff for about three minutes (20 attempts over
  // 165 s) before the step fails, so no job waits forever; user errors are non-retryable failures and are never
  // retried. At most 10 s between attempts: a server that comes back (MinIO after a restart) is used within 10 s,
  // where 30 s made a one-minute outage cost up to half a minute more (bench/chaos).
  static final RetryOptions INFRASTRUCTURE_RETRY = RetryOptions.newBuilder()
      .setInitialInterval(Duration.ofSeconds(1))
      .setBackoffCoefficient(2.0)
      .setMaximumInterval(Duration.ofSeconds(10))
      .setMaximumAttempts(20)
      .build();

  // Long steps heartbeat every second (the SDK sends at most one per 80 % of this timeout); a worker that died
  // (kill -9, a lost host) is noticed after this long and the step's next attempt starts on a worker of the same
  // host. 15 s, where it was a minute: a restarted worker is back in seconds, and bench/chaos measured the minute
  // as nearly all of what a worker kill cost. A late heartbeat is harmless: execute leaves its container running
  // and the next attempt takes it over.
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(15);

  // A worker that holds a job's folder and has not picked up the job's next step within this time is taken to be
  // gone; the step then fails instead of waiting forever. The validating worker may set another (REPRISE_HOST_WAIT).
  private static final Duration DEFAULT_HOST_WAIT = Duration.ofMinutes(30);

  // Validation downloads, unpacks and checks one archive (checksums of a bag included); five minutes covers
  // archives of a few gigabytes. It runs on the shared queue: any worker may take a new job.
  private static final ActivityOptions VALIDATE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(5))
      .setRetryOptions(INFRASTRUCTURE_RETRY)
      .build();

  // The worker stops a build at its own limit (reprise.build.timeout, 30 minutes by default); an hour only has to
  // exceed it. The build heartbeats with its log tail every second whatever it prints, so a dead worker is noticed
  // within the heartbeat timeout (the build has no side effects; the next attempt builds again), and a cancelled job
  // waits until the build has stopped, which takes seconds.
  private static final ActivityOptions COMPILE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(1))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
      .setRetryOptions(INFRASTRUCTURE_RETRY)
      .build();

  // The program's own wall-clock limit (at most reprise.execute.max-timeout, six hours) is enforced inside the
  // activity; this bound only has to exceed it. The heartbeat notices a dead worker within its timeout, and the next
  // attempt takes over the running container rather than starting the program again; waiting for cancellation to
  // complete means the container is stopped before cleanup starts.
  private static final ActivityOptions EXECUTE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(7))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
      .setRetryOptions(INFRASTRUCTURE_RETRY)
      .build();

  // Cleanup uploads the working directory; ten minutes per attempt covers large outputs, and it retries like the
  // others so a MinIO outage delays cleanup rather than losing results. It heartbeats on a timer while it uploads,
  // so a worker killed during cleanup is noticed after the heartbeat timeout, not after the ten minutes.
  private static final ActivityOptions CLEANUP = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(10))
      .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
      .setRetryOptions(INFRASTRUCTURE_RETRY)
      .build();

  private final List<Step> steps = new ArrayList<>();
  private final List<String> executionOrder = new ArrayList<>();
  private JobRequest request;
  private String created;
  private String finished;
  private JobReport.ExceptionInfo exception;
  private boolean cancelled;
  private String imageId;
  private String imageDigest;
  private String baseImage;
  private String baseImageId;
  private Integer exitCode;
  private ValidateResult validated;
  private List<String> environment;
  private JobStorage storage;
  private Duration hostWait = DEFAULT_HOST_WAIT;

  @Override
  public JobState run(JobRequest request) {
    this.request = request;
    this.created = Instant.ofEpochMilli(Workflow.getInfo().getRunStartedTimestampMillis()).toString();
    JobSteps.ORDER.forEach(name -> steps.add(Step.queued(name)));
    publish();

    validated = runStep(JobSteps.VALIDATE,
        () -> activities(VALIDATE, null).validate(new ValidateRequest(request.jobId(), request.compendiumId())),
        result -> result.warnings().isEmpty() ? StepStatus.SUCCESS : StepStatus.WARNING,
        result -> withWarnings(result.text(), result.warnings()));
    String workerQueue = validated == null ? null : validated.workerQueue();
    if (validated != null && validated.hostWaitSeconds() != null) {
      hostWait = Duration.ofSeconds(validated.hostWaitSeconds());
    }
    String root = validated == null ? "" : validated.compendiumRoot();

    CompileResult compiled = null;
    if (validated != null) {
      String reuse = request.rebuild() ? null : request.recordedImageId();
      String reuseDigest = request.rebuild() ? null : request.recordedImageDigest();
      compiled = runStep(JobSteps.COMPILE,
          () -> activities(COMPILE, workerQueue).compile(
              new CompileRequest(request.jobId(), root, reuse, reuseDigest)),
          result -> StepStatus.SUCCESS, result -> compileText(result));
    }
    if (compiled != null) {
      imageId = compiled.imageId();
      imageDigest = compiled.imageDigest();
      baseImage = compiled.baseImage();
      baseImageId = compiled.baseImageId();
      environment = compiled.environment();
      String tag = compiled.imageTag();
      ExecuteResult executed = runStep(JobSteps.EXECUTE,
          () -> activities(EXECUTE, workerQueue).execute(
              new ExecuteRequest(request.jobId(), tag, root, validated.run())),
          result -> StepStatus.SUCCESS, ExecuteResult::text);
      if (executed != null) {
        exitCode = executed.exitCode();
      }
    }
    skipQueuedStepsBeforeCleanup();

    // Cleanup runs whatever happened before, cancellation of the workflow included: a detached scope is not
    // cancelled with the workflow, so the container is removed and the working directory still reaches MinIO.
    List<String> outputs = validated == null ? List.of("**") : validated.run().outputs();
    Workflow.newDetachedCancellationScope(() -> cleanup(workerQueue, root, outputs, provenance())).run();

    finished = now();
    JobState finalState = state();
    publish();
    Workflow.upsertTypedSearchAttributes(JobSearchAttributes.STATUS.valueSet(finalState.status().wireName()));
    log.info("job {} ended with status {}", request.jobId(), finalState.status().wireName());
    if (cancelled) {
      // The job's steps tell the truth in the memo; the workflow itself ends as cancelled, as it was asked to.
      throw new CanceledFailure("job " + request.jobId() + " was cancelled");
    }
    return finalState;
  }

  @Override
  public JobState state() {
    if (request == null) {
      return JobState.notStarted(null, null);
    }
    String started = steps.stream().map(Step::start).filter(s -> s != null).findFirst().orElse(null);
    Boolean identical = request.rebuild() && request.recordedImageId() != null && imageId != null
        ? (request.recordedImageDigest() != null && imageDigest != null
            ? sameDigest(request.recordedImageDigest(), imageDigest) : request.recordedImageId().equals(imageId))
        : null;
    return new JobState(request.jobId(), request.compendiumId(), JobStatus.of(steps), List.copyOf(steps), imageId,
        baseImage, baseImageId, exitCode,
        new JobReport(created, started, finished, exception, List.copyOf(executionOrder)), request.rerunOf(),
        identical, provenance(), storage, JobPriority.of(Workflow.getInfo().getPriority()), imageDigest);
  }

  /** What the job ran and on what, as far as it got; null before validate has told. */
  private Provenance provenance() {
    if (validated == null || validated.origin() == null) {
      return null;
    }
    Provenance.Origin origin = validated.origin();
    RunSettings run = validated.run();
    return new Provenance(origin.compendiumContentHash(), origin.dockerfileSha256(), imageId, baseImage,
        baseImageId, run.command(), environment, new Provenance.Limits(run.timeoutSeconds(), run.memoryBytes(),
        run.cpus(), run.diskBytes()), origin.dockerVersion(), origin.temporalServerVersion(), origin.repriseVersion(),
        origin.workerHost(), run.outputs(), run.ignore(), imageDigest, origin.baseImageDigest());
  }

  /**
   * Cleanup runs on the worker that holds the job's folder. When that worker is gone (no worker took the step in
   * time, or the job never got past validate), it runs on the shared queue, where any worker removes the
   * container and uploads what it finds.
   */
  private void cleanup(String workerQueue, String root, List<String> outputs, Provenance provenance) {
    CleanupRequest cleanupRequest = new CleanupRequest(request.jobId(), root, outputs, provenance);
    CleanupResult done = runStep(JobSteps.CLEANUP,
        () -> {
          try {
            return activities(CLEANUP, workerQueue).cleanup(cleanupRequest);
          } catch (ActivityFailure failure) {
            if (workerQueue != null && failure.getCause() instanceof TimeoutFailure timeout
                && timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
              log.warn("worker queue {} did not take cleanup of job {}; cleaning up from the shared queue",
                  workerQueue, request.jobId());
              CleanupResult fallback = activities(CLEANUP, null).cleanup(cleanupRequest);
              return new CleanupResult(fallback.uploadedFiles(), fallback.uploadedBytes(), fallback.outputFiles(),
                  "the worker that held this job's folder is gone; its files could not be uploaded\n"
                      + fallback.text(), fallback.newBytes(), fallback.reusedBytes());
            }
            throw failure;
          }
        },
        result -> StepStatus.SUCCESS, CleanupResult::text);
    if (done == null) {
      log.warn("cleanup of job {} failed", request.jobId());
    } else if (done.newBytes() != null && done.reusedBytes() != null) {
      storage = new JobStorage(done.newBytes() + done.reusedBytes(), done.newBytes(), done.reusedBytes());
    }
  }

  /**
   * An activity stub with the options given; on the worker's own queue when one is named, waiting at most the host
   * wait for a worker of that host to take it.
   */
  private JobActivities activities(ActivityOptions options, String taskQueue) {
    ActivityOptions effective = taskQueue == null ? options
        : options.toBuilder().setTaskQueue(taskQueue).setScheduleToStartTimeout(hostWait).build();
    return Workflow.newActivityStub(JobActivities.class, effective);
  }

  /** Runs one step's activity, recording its status, times and text; answers null when the step failed. */
  private <T> T runStep(String name, Supplier<T> call, Function<T, StepStatus> outcome, Function<T, String> text) {
    executionOrder.add(name);
    replace(name, step -> step.running(now()));
    try {
      T result = call.get();
      replace(name, step -> step.finished(outcome.apply(result), now(), text.apply(result)));
      return result;
    } catch (ActivityFailure failure) {
      if (failure.getCause() instanceof CanceledFailure) {
        cancelled = true;
      }
      replace(name, step -> step.finished(StepStatus.FAILURE, now(), describe(name, failure)));
      return null;
    } catch (CanceledFailure cancellation) {
      // The workflow was cancelled before this step's activity was scheduled.
      cancelled = true;
      replace(name, step -> step.finished(StepStatus.FAILURE, now(), "cancelled"));
      return null;
    }
  }

  private void skipQueuedStepsBeforeCleanup() {
    String failed = steps.stream().filter(s -> s.status() == StepStatus.FAILURE).map(Step::name)
        .findFirst().orElse(null);
    if (failed == null) {
      return;
    }
    String why = cancelled ? "skipped: the job was cancelled" : "skipped: " + failed + " failed";
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (step.status() == StepStatus.QUEUED && !step.name().equals(JobSteps.CLEANUP)) {
        steps.set(i, step.skipped(why));
      }
    }
    publish();
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

  /** The step text for a failed activity; infrastructure failures are also kept as the report's exception. */
  private String describe(String step, ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof CanceledFailure) {
      return "cancelled";
    }
    if (cause instanceof ApplicationFailure af && JobFailure.isUserError(af.getType())) {
      if (step.equals(JobSteps.EXECUTE) && af.getDetails().getSize() > 0) {
        exitCode = af.getDetails().get(Integer.class);
      }
      return af.getOriginalMessage();
    }
    String message;
    String type;
    if (cause instanceof ApplicationFailure af) {
      type = af.getType();
      message = af.getOriginalMessage();
    } else if (cause instanceof TimeoutFailure tf) {
      type = "Timeout";
      message = tf.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START
          ? "no worker took this step within " + duration(hostWait) + " (the worker holding the job's folder is "
              + "gone)"
          : "the worker did not finish this step in time (" + tf.getTimeoutType() + ")";
    } else {
      type = cause == null ? failure.getClass().getSimpleName() : cause.getClass().getSimpleName();
      message = cause == null ? failure.getMessage() : cause.getMessage();
    }
    exception = new JobReport.ExceptionInfo(step, type, message, StepText.bound(stackOf(cause)));
    return "infrastructure error: " + message;
  }

  /** "30 min", "15 s". */
  private static String duration(Duration duration) {
    return duration.toSecondsPart() == 0 && duration.toMinutes() > 0 ? duration.toMinutes() + " min"
        : duration.toSeconds() + " s";
  }

  private static String stackOf(Throwable error) {
    if (error == null) {
      return "";
    }
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  /** A rebuild tells whether the image came out the same: build reproducibility. */
  private String compileText(CompileResult result) {
    if (!request.rebuild() || request.recordedImageId() == null) {
      return result.text();
    }
    String verdict;
    if (request.recordedImageDigest() != null && result.imageDigest() != null) {
      // With a registry the images are compared by repository digest: the manifest, which names the configuration
      // (the image id) and every layer's compressed bytes.
      verdict = sameDigest(request.recordedImageDigest(), result.imageDigest())
          ? "rebuilt image is identical to the recorded one: " + result.imageId() + " (digest "
              + digestOf(result.imageDigest()) + ")"
          : "rebuilt image differs: recorded " + request.recordedImageId() + ", rebuilt " + result.imageId()
              + " (digests: recorded " + digestOf(request.recordedImageDigest()) + ", rebuilt "
              + digestOf(result.imageDigest()) + ")";
    } else {
      verdict = request.recordedImageId().equals(result.imageId())
          ? "rebuilt image is identical to the recorded one: " + result.imageId()
          : "rebuilt image differs: recorded " + request.recordedImageId() + ", rebuilt " + result.imageId();
    }
    return verdict + "\n" + result.text();
  }

  /** The sha256:... part of a repository digest; two repositories of one registry hold one manifest once. */
  private static String digestOf(String repoDigest) {
    int at = repoDigest.indexOf('@');
    return at < 0 ? repoDigest : repoDigest.substring(at + 1);
  }

  private static boolean sameDigest(String a, String b) {
    return digestOf(a).equals(digestOf(b));
  }

  private static String withWarnings(String text, List<String> warnings) {
    if (warnings.isEmpty()) {
      return text;
    }
    return text + "\nwarnings:\n- " + String.join("\n- ", warnings);
  }

  private static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }
}
