package io.reprise.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.docker.DockerContainerEngine;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's own health endpoint: polling, slots in use and the last task taken, on a port of its own. */
class WorkerHealthTest {

  private static final Instant TAKEN = Instant.parse("2026-11-29T12:00:00Z");

  private final WorkerFactory factory = mock(WorkerFactory.class);
  private final Worker shared = mock(Worker.class);
  private final Worker host = mock(Worker.class);
  private final DockerContainerEngine docker = mock(DockerContainerEngine.class, RETURNS_DEEP_STUBS);
  private final ActivityTracker tracker = new ActivityTracker(Clock.fixed(TAKEN, ZoneOffset.UTC));
  private final WorkerProperties properties = new WorkerProperties(null, null,
      new WorkerProperties.Temporal("q", "h1", "q@h1", Duration.ofMinutes(30)), null, null);
  private WorkerHealth health;

  @TempDir
  Path dir;

  WorkerHealthTest() {
    when(factory.isStarted()).thenReturn(true);
    when(factory.tryGetWorker("q")).thenReturn(shared);
    when(factory.tryGetWorker("q@h1")).thenReturn(host);
    // Builds the mock's chain here: built first on the probe's thread, on a loaded machine, it took past the 2 s.
    docker.client().pingCmd();
  }

  @AfterEach
  void stop() {
    if (health != null) {
      health.destroy();
    }
  }

  private JsonNode get(int expected) throws Exception {
    int port = Integer.parseInt(Files.readString(dir.resolve("port")).trim());
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(expected, response.statusCode(), response.body());
    return new ObjectMapper().readTree(response.body());
  }

  private void start() throws Exception {
    health = new WorkerHealth(factory, tracker, docker, properties, 4, "0", dir.resolve("port").toString());
    health.afterPropertiesSet();
  }

  @Test
  void aPollingWorkerSaysUpWithItsSlotsAndLastTask() throws Exception {
    tracker.began("Execute");
    tracker.began("Validate");
    tracker.ended();
    start();

    JsonNode report = get(200);

    assertEquals("up", report.get("status").asText());
    assertTrue(report.get("polling").get("q").asBoolean());
    assertTrue(report.get("polling").get("q@h1").asBoolean());
    assertEquals(1, report.get("activities_running").asInt());
    assertEquals(8, report.get("activity_slots").asInt(), "4 slots on each of the two queues");
    assertEquals(2, report.get("activities_taken").asInt());
    assertEquals("2026-11-29T12:00:00Z", report.get("last_task").asText());
    assertEquals("Validate", report.get("last_task_type").asText());
  }

  @Test
  void aWorkerThatStoppedPollingSaysDown() throws Exception {
    when(host.isSuspended()).thenReturn(true);
    start();

    JsonNode report = get(503);

    assertEquals("down", report.get("status").asText());
    assertTrue(report.get("polling").get("q").asBoolean());
    assertEquals(false, report.get("polling").get("q@h1").asBoolean());
  }

  @Test
  void aShutDownFactoryIsDown() throws Exception {
    when(factory.isShutdown()).thenReturn(true);
    start();

    assertEquals("down", get(503).get("status").asText());
  }

  @Test
  void offWithoutAPort() throws Exception {
    health = new WorkerHealth(factory, tracker, docker, properties, 4, "", dir.resolve("port").toString());
    health.afterPropertiesSet();

    assertTrue(Files.notExists(dir.resolve("port")));
  }
}
