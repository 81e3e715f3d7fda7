package io.reprise.workflows.jobs;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCanceledException;
import io.temporal.common.Priority;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * Stands in for the real activities: records every attempt (step and task queue), fails the steps a test asks it
 * to, and can hold execute until the job is cancelled.
 */
class FakeJobActivities implements JobActivities {

  static final String WORKER_QUEUE = "fake-worker-queue";
  static final RunSettings RUN = new RunSettings(List.of(), 600, 512L << 20, 1.0, List.of("results/**"),
      List.of("results/*.log"));

  /** One attempt of one activity: which step, on which task queue, with which task queue priority. */
  record Attempt(String step, String taskQueue, Priority priority) {}

  private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Supplier<RuntimeException>> failures = new HashMap<>();
  private final Map<String, Integer> transientFailures = new HashMap<>();
  private final java.util.Set<String> dying = new java.util.HashSet<>();
  // Released when the test ends, so that an attempt standing for a dead worker does not outlive it.
  final CountDownLatch released = new CountDownLatch(1);
  private volatile String workerQueue = WORKER_QUEUE;
  private volatile List<String> warnings = List.of();
  private volatile boolean holdExecute;
  final CountDownLatch executeStarted = new CountDownLatch(1);
  volatile CompileRequest lastCompile;
  volatile boolean executeSawCancellation;

  /** The step fails on every attempt with the failure given. */
  synchronized void fail(String step, Supplier<RuntimeException> failure) {
    failures.put(step, failure);
  }

  /** The step fails on its first attempts with an infrastructure error, then succeeds. */
  synchronized void failTransiently(String step, int times) {
    transientFailures.put(step, times);
  }

  /**
   * The step's first attempt stands for a worker killed during it: it neither heartbeats nor completes, so only a
   * timeout on Temporal's side ends it. Later attempts succeed.
   */
  synchronized void dieDuringFirstAttempt(String step) {
    dying.add(step);
  }

  void answerWorkerQueue(String queue) {
    this.workerQueue = queue;
  }

  void warn(List<String> warnings) {
    this.warnings = warnings;
  }

  void holdExecuteUntilCancelled() {
    this.holdExecute = true;
  }

  /** The steps called, in order, each once however often it was attempted. */
  List<String> calls() {
    synchronized (attempts) {
      return attempts.stream().map(Attempt::step).distinct().toList();
    }
  }

  int attempts(String step) {
    synchronized (attempts) {
      return (int) attempts.stream().filter(a -> a.step().equals(step)).count();
    }
  }

  List<String> queuesOf(String step) {
    synchronized (attempts) {
      return attempts.stream().filter(a -> a.step().equals(step)).map(Attempt::taskQueue).toList();
    }
  }

  /** The priority each attempt of the step ran with, as the activity saw it. */
  List<Priority> prioritiesOf(String step) {
    synchronized (attempts) {
      return attempts.stream().filter(a -> a.step().equals(step)).map(Attempt::priority).toList();
    }
  }

  private void enter(String step) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    attempts.add(new Attempt(step, info.getActivityTaskQueue(), info.getPriority()));
    boolean die;
    synchronized (this) {
      die = dying.remove(step);
    }
    if (die) {
      try {
        released.await(5, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("this attempt's worker was dead; its answer must not count");
    }
    synchronized (this) {
      Integer remaining = transientFailures.get(step);
      if (remaining != null && remaining > 0) {
        transientFailures.put(step, remaining - 1);
        throw new IllegalStateException("MinIO is not answering (simulated)");
      }
      Supplier<RuntimeException> failure = failures.get(step);
      if (failure != null) {
        throw failure.get();
      }
    }
  }

  @Override
  public ValidateResult validate(ValidateRequest request) {
    enter(JobSteps.VALIDATE);
    return new ValidateResult(workerQueue, "", RUN, 3, 100, warnings, "3 files",
        new Provenance.Origin("sha256:content", "dockerfile-sha", "20.10.24", "1.29.1", "0.1.0", "host-1"), 600L);
  }

  @Override
  public CompileResult compile(CompileRequest request) {
    enter(JobSteps.COMPILE);
    lastCompile = request;
    if (request.reuseImageId() != null) {
      return new CompileResult(request.reuseImageId(), "reprise/job-" + request.jobId(), "reprise/busybox",
          "sha256:fake-base", "reused " + request.reuseImageId(), List.of("PATH=/bin"));
    }
    return new CompileResult("sha256:fake-image", "reprise/job-" + request.jobId(), "reprise/busybox",
        "sha256:fake-base", "built", List.of("PATH=/bin"));
  }

  @Override
  public ExecuteResult execute(ExecuteRequest request) {
    enter(JobSteps.EXECUTE);
    if (holdExecute) {
      ActivityExecutionContext context = Activity.getExecutionContext();
      executeStarted.countDown();
      try {
        // Stands for a long-running container: heartbeats until the workflow asks the activity to stop.
        while (true) {
          context.heartbeat(null);
          Thread.sleep(20);
        }
      } catch (ActivityCanceledException e) {
        executeSawCancellation = true;
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return new ExecuteResult(0, "ran 3 lines");
  }

  volatile CleanupRequest lastCleanup;

  @Override
  public CleanupResult cleanup(CleanupRequest request) {
    enter(JobSteps.CLEANUP);
    lastCleanup = request;
    return new CleanupResult(3, 100, 1, "uploaded 3 files", 60L, 40L);
  }
}
