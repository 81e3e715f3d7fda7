package io.reprise.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCanceledException;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Times every activity this worker runs (the job steps validate, compile, execute and cleanup, and the audits'
 * comparisons) as {@code reprise.step.duration}, by step and outcome, and how long each waited in its task queue
 * ({@code reprise.step.queue.wait}); for a job's first step, first attempt, that wait is the job's queue wait
 * ({@code reprise.job.queue.wait}): from the moment Temporal scheduled validate, right after the job started, until
 * a worker took it. Temporal's ActivityInfo has no workflow start time, and asking Temporal for it would cost a
 * call per job; the workflow task that schedules validate takes milliseconds, so the scheduled time stands in.
 * The Temporal starter adds every WorkerInterceptor bean to the worker factory, as for {@link ActivityTracker}.
 *
 * <p>Timers publish histogram buckets, so Prometheus can compute percentiles and SLOs across workers.
 */
@Component
class StepMetrics extends WorkerInterceptorBase {

  static final String STEP_DURATION = "reprise.step.duration";
  static final String STEP_QUEUE_WAIT = "reprise.step.queue.wait";
  static final String JOB_QUEUE_WAIT = "reprise.job.queue.wait";
  private static final String JOB_WORKFLOW = "JobWorkflow";
  private static final String FIRST_STEP = "validate";

  private final MeterRegistry registry;

  StepMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      // The SDK hands the context to init; Activity.getExecutionContext() is not set yet in an interceptor.
      private String step;

      @Override
      public void init(ActivityExecutionContext context) {
        ActivityInfo info = context.getInfo();
        step = stepName(info.getActivityType());
        queued(info);
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        Timer.Sample sample = Timer.start(registry);
        String outcome = "error";
        try {
          ActivityOutput output = super.execute(input);
          outcome = "success";
          return output;
        } catch (RuntimeException e) {
          outcome = outcome(e);
          throw e;
        } finally {
          sample.stop(timer(STEP_DURATION, "how long an activity (a job step) ran on this worker", step, outcome));
        }
      }
    };
  }

  /** Records the queue waits of an activity that starts now. */
  void queued(ActivityInfo info) {
    String step = stepName(info.getActivityType());
    long wait = info.getStartedTimestamp() - info.getCurrentAttemptScheduledTimestamp();
    if (wait < 0 || info.getCurrentAttemptScheduledTimestamp() <= 0) {
      return;
    }
    timer(STEP_QUEUE_WAIT, "how long an activity attempt waited in its task queue for a worker", step, null)
        .record(wait, TimeUnit.MILLISECONDS);
    if (JOB_WORKFLOW.equals(info.getWorkflowType()) && FIRST_STEP.equals(step) && info.getAttempt() == 1) {
      Timer.builder(JOB_QUEUE_WAIT).description("how long a new job waited for a worker to take its first step")
          .publishPercentileHistogram().maximumExpectedValue(Duration.ofHours(6)).register(registry)
          .record(wait, TimeUnit.MILLISECONDS);
    }
  }

  private Timer timer(String name, String description, String step, String outcome) {
    Timer.Builder builder = Timer.builder(name).description(description).tag("step", step)
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofHours(6));
    if (outcome != null) {
      builder.tag("outcome", outcome);
    }
    return builder.register(registry);
  }

  /**
   * success; failure when the step failed the job (an {@link ApplicationFailure}: a bad compendium, a failed build,
   * a program that exited non-zero); cancelled when the job was cancelled; error for anything else, which Temporal
   * retries (the engine or the store did not answer, the worker stopped).
   */
  static String outcome(Throwable thrown) {
    if (thrown instanceof ApplicationFailure) {
      return "failure";
    }
    if (thrown instanceof ActivityCanceledException) {
      return "cancelled";
    }
    return "error";
  }

  /** Temporal's activity type (Execute) as the step's name in the job view (execute). */
  static String stepName(String activityType) {
    if (activityType == null || activityType.isEmpty()) {
      return "unknown";
    }
    return Character.toLowerCase(activityType.charAt(0)) + activityType.substring(1);
  }
}
