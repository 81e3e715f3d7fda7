package io.reprise.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The tracker counts activities as a real worker runs them, through the worker factory's interceptors. */
class ActivityTrackerTest {

  @ActivityInterface
  public interface Probe {
    int runningNow();
  }

  @WorkflowInterface
  public interface Caller {
    @WorkflowMethod
    int call();
  }

  public static class CallerImpl implements Caller {
    @Override
    public int call() {
      return Workflow.newActivityStub(Probe.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10)).build()).runningNow();
    }
  }

  @Test
  void anActivityIsCountedWhileItRunsAndItsTypeAndTimeAreKept() {
    ActivityTracker tracker = new ActivityTracker(Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"),
        ZoneOffset.UTC));
    AtomicInteger seen = new AtomicInteger(-1);
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
        io.temporal.testing.TestEnvironmentOptions.newBuilder().setWorkerFactoryOptions(
            WorkerFactoryOptions.newBuilder().setWorkerInterceptors(tracker).build()).build())) {
      Worker worker = env.newWorker("tracked");
      worker.registerWorkflowImplementationTypes(CallerImpl.class);
      worker.registerActivitiesImplementations((Probe) () -> {
        seen.set(tracker.running());
        return tracker.running();
      });
      env.start();

      int during = env.getWorkflowClient().newWorkflowStub(Caller.class,
          WorkflowOptions.newBuilder().setTaskQueue("tracked").build()).call();

      assertEquals(1, during, "one activity runs while the probe runs");
      assertEquals(0, tracker.running(), "none after it ended");
      assertEquals(1, tracker.taken());
      assertEquals("RunningNow", tracker.lastType());
      assertEquals(Instant.parse("2026-11-29T12:00:00Z"), tracker.lastTaken());
    }
  }
}
