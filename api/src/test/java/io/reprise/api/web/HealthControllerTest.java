package io.reprise.api.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.google.protobuf.Timestamp;
import io.minio.MinioClient;
import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.MemoryArtifactStore;
import io.reprise.activities.storage.MinioArtifactStore;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * Health exercises each part as a request would and says 503, naming the part, when one is down (issue 11: it said
 * up while no worker polled and jobs sat queued). Temporal and Docker are mocks; MinIO is a real client.
 */
class HealthControllerTest {

  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  private final WorkflowServiceStubs temporal = mock(WorkflowServiceStubs.class);
  private final WorkflowServiceGrpc.WorkflowServiceBlockingStub blocking =
      mock(WorkflowServiceGrpc.WorkflowServiceBlockingStub.class);
  private final DockerContainerEngine docker = mock(DockerContainerEngine.class, RETURNS_DEEP_STUBS);
  private final CountDownLatch never = new CountDownLatch(1);

  HealthControllerTest() {
    when(temporal.blockingStub()).thenReturn(blocking);
    when(blocking.withDeadlineAfter(anyLong(), any())).thenReturn(blocking);
    when(blocking.listWorkflowExecutions(any())).thenReturn(ListWorkflowExecutionsResponse.getDefaultInstance());
    pollersLastSeen(NOW.minusSeconds(5));
    // Builds the mock's chain here: built first on the probe's thread, on a loaded machine, it took past the 2 s.
    docker.client().pingCmd();
  }

  @AfterEach
  void release() {
    never.countDown();
  }

  private void pollersLastSeen(Instant... times) {
    DescribeTaskQueueResponse.Builder response = DescribeTaskQueueResponse.newBuilder();
    for (int i = 0; i < times.length; i++) {
      response.addPollers(PollerInfo.newBuilder().setIdentity("worker-" + i)
          .setLastAccessTime(Timestamp.newBuilder().setSeconds(times[i].getEpochSecond())));
    }
    when(blocking.describeTaskQueue(any())).thenReturn(response.build());
  }

  private HealthController health(ArtifactStore store) {
    return new HealthController(temporal, store, docker, "default", "reprise-jobs",
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void everyPartUpIsA200() {
    HealthController.Report report = health(new MemoryArtifactStore()).check();

    assertTrue(report.up(), report.toString());
    assertEquals(java.util.List.of("temporal", "minio", "docker", "workers"), java.util.List.copyOf(
        report.parts().keySet()));
    @SuppressWarnings("unchecked")
    Map<String, Object> workers = (Map<String, Object>) report.parts().get("workers").detail();
    assertEquals(1, workers.get("pollers"));
    assertEquals("2026-11-29T11:59:55Z", workers.get("last_poll"));
    assertEquals(HttpStatus.OK, health(new MemoryArtifactStore()).health().getStatusCode());
  }

  @Test
  void anUnreachableMinioIsA503NamingIt() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    MinioArtifactStore store = new MinioArtifactStore(MinioClient.builder()
        .endpoint("http://127.0.0.1:" + closed).credentials("reprise", "not-a-secret").build(), "reprise");

    HealthController.Report report = health(store).check();

    assertFalse(report.up());
    assertFalse(report.parts().get("minio").up(), report.toString());
    assertTrue(report.parts().get("temporal").up(), report.toString());
    ResponseEntity<Map<String, Object>> answer = health(store).health();
    assertEquals(HttpStatus.SERVICE_UNAVAILABLE, answer.getStatusCode());
    assertEquals(Map.of("status", "down"), answer.getBody(), "an anonymous caller sees only the status");
  }

  @Test
  void noWorkerPollingIsA503() {
    pollersLastSeen();

    HealthController.Report report = health(new MemoryArtifactStore()).check();

    assertFalse(report.up());
    assertFalse(report.parts().get("workers").up(), report.toString());
  }

  @Test
  void aWorkerThatStoppedPollingMinutesAgoIsGone() {
    // Temporal lists a poller for minutes after its last poll; a killed worker must not count.
    pollersLastSeen(NOW.minusSeconds(240));

    assertFalse(health(new MemoryArtifactStore()).check().parts().get("workers").up());
  }

  @Test
  void aPartThatHangsIsDownAfterTheDeadline() {
    MemoryArtifactStore hanging = new MemoryArtifactStore() {
      @Override
      public java.util.Optional<io.reprise.activities.storage.StoredObject> stat(String key) {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return java.util.Optional.empty();
      }
    };
    long started = System.nanoTime();

    HealthController.Report report = health(hanging).check();

    long millis = (System.nanoTime() - started) / 1_000_000;
    assertFalse(report.parts().get("minio").up());
    assertTrue(report.parts().get("minio").detail().toString().contains("did not answer within 2 s"),
        report.toString());
    assertTrue(millis < HealthController.DEADLINE.toMillis() + 1000, "answered after " + millis + " ms");
  }

  @Test
  void anUnreachableTemporalIsDown() {
    when(blocking.listWorkflowExecutions(any())).thenThrow(
        new io.grpc.StatusRuntimeException(io.grpc.Status.UNAVAILABLE));

    HealthController.Report report = health(new MemoryArtifactStore()).check();

    assertFalse(report.parts().get("temporal").up());
    assertFalse(report.up());
  }
}
