package io.reprise.workflows.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sweep's order and report on Temporal's in-memory test server, with fake activities. */
class StorageSweepWorkflowTest {

  private static final String QUEUE = "sweep-test";

  /** Records each call with the task queue it ran on. */
  static class FakeActivities implements StorageActivities {
    final List<String> calls;
    final AtomicReference<SweepReport> recorded;
    final AtomicReference<SweepRequest> asked;

    FakeActivities(List<String> calls, AtomicReference<SweepReport> recorded, AtomicReference<SweepRequest> asked) {
      this.calls = calls;
      this.recorded = recorded;
      this.asked = asked;
    }

    private void note(String what) {
      calls.add(what + "@" + Activity.getExecutionContext().getInfo().getActivityTaskQueue());
    }

    @Override
    public SweepReport.ExpireResult expire(SweepRequest request) {
      note("expire");
      asked.set(request);
      return new SweepReport.ExpireResult(Map.of("success", 2, "failure", 1), 1, 9, 900,
          Map.of("success", 60L, "failure", 0L), false);
    }

    @Override
    public SweepReport.BlobSweep sweep(SweepRequest request) {
      note("sweep");
      return new SweepReport.BlobSweep(3600, 5, 0, 12, 1200, 7, 1, 3, 300, 0, 2, 200, 40, 0);
    }

    @Override
    public SweepReport.RegistryTags removeRegistryTags() {
      note("tags");
      return new SweepReport.RegistryTags("127.0.0.1:5000", 2, 1, 0, null);
    }

    @Override
    public List<String> hosts() {
      note("hosts");
      return List.of("h1", "broken");
    }

    @Override
    public SweepReport.HostImages removeJobImages(String host) {
      note("images:" + host);
      if (host.equals("broken")) {
        throw ApplicationFailure.newNonRetryableFailure("the engine is not answering", "DockerDown");
      }
      return new SweepReport.HostImages(host, 4, List.of("reprise/job-x:latest"), null, List.of());
    }

    @Override
    public void record(SweepReport report) {
      note("record");
      recorded.set(report);
    }
  }

  private TestWorkflowEnvironment env;
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final AtomicReference<SweepReport> recorded = new AtomicReference<>();
  private final AtomicReference<SweepRequest> asked = new AtomicReference<>();

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker shared = env.newWorker(QUEUE);
    shared.registerWorkflowImplementationTypes(StorageSweepWorkflowImpl.class);
    shared.registerActivitiesImplementations(new FakeActivities(calls, recorded, asked));
    // Each host has a worker on its own queue; the engine of host "broken" fails.
    env.newWorker(QUEUE + "@h1").registerActivitiesImplementations(new FakeActivities(calls, recorded, asked));
    env.newWorker(QUEUE + "@broken").registerActivitiesImplementations(
        new FakeActivities(calls, recorded, asked));
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private SweepReport run(SweepRequest request) {
    StorageSweepWorkflow sweep = env.getWorkflowClient().newWorkflowStub(StorageSweepWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId("storage-sweep-test").build());
    return sweep.run(request);
  }

  @Test
  void expiresThenSweepsThenVisitsEachHostOnItsQueueThenRecords() {
    SweepReport report = run(new SweepRequest(Map.of("failure", 5L), 0L, "api:olga"));
    assertEquals(List.of("expire@" + QUEUE, "sweep@" + QUEUE, "tags@" + QUEUE, "hosts@" + QUEUE),
        calls.subList(0, 4));
    assertEquals(java.util.Set.of("images:h1@" + QUEUE + "@h1", "images:broken@" + QUEUE + "@broken"),
        java.util.Set.copyOf(calls.subList(4, 6)), "each host's images on the host's own queue");
    assertEquals("record@" + QUEUE, calls.get(6));
    assertEquals(7, calls.size());
    assertEquals(2, report.registry().deleted());
    assertEquals(new SweepRequest(Map.of("failure", 5L), 0L, "api:olga"), asked.get());
    assertEquals(report, recorded.get());
    assertEquals("storage-sweep-test", report.id());
    assertEquals("api:olga", report.trigger());
    assertEquals(2, report.expire().expired().get("success"));
    assertEquals(2, report.blobs().freed());
    assertEquals(200, report.blobs().freedBytes());
    assertNotNull(report.started());
    assertTrue(report.millis() >= 0);
  }

  @Test
  void aHostWhoseImageSweepFailsDoesNotFailTheSweep() {
    SweepReport report = run(null);
    assertEquals(2, report.hosts().size());
    SweepReport.HostImages h1 = report.hosts().get(0);
    assertEquals("h1", h1.host());
    assertNull(h1.error());
    assertEquals(List.of("reprise/job-x:latest"), h1.removed());
    SweepReport.HostImages broken = report.hosts().get(1);
    assertEquals("broken", broken.host());
    assertTrue(broken.error().contains("the engine is not answering"), broken.error());
    // No request means the workers' settings, as the schedule runs it.
    assertEquals(SweepRequest.scheduled(), asked.get());
    assertEquals("schedule", report.trigger());
  }
}
