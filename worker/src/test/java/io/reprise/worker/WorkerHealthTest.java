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
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private FakeApi api;
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
    if (api != null) {
      api.close();
    }
  }

  private PrometheusScrape scrape() throws Exception {
    api = new FakeApi();
    return new PrometheusScrape(registry, new OperatorCheck(api.base(), Duration.ofSeconds(30),
        Duration.ofSeconds(2)));
  }

  private JsonNode get(int expected) throws Exception {
    int port = Integer.parseInt(Files.readString(dir.resolve("port")).trim());
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(expected, response.statusCode(), response.body());
    return new ObjectMapper().readTree(response.body());
  }

  private void start() throws Exception {
    health = new WorkerHealth(factory, tracker, docker, scrape(), properties, 4, "0",
        dir.resolve("port").toString());
    health.afterPropertiesSet();
  }

  private HttpResponse<String> metrics(String token) throws Exception {
    int port = Integer.parseInt(Files.readString(dir.resolve("port")).trim());
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/actuator/prometheus"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
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
    health = new WorkerHealth(factory, tracker, docker, scrape(), properties, 4, "",
        dir.resolve("port").toString());
    health.afterPropertiesSet();

    assertTrue(Files.notExists(dir.resolve("port")));
  }

  @Test
  void metricsAreServedToOperatorsInPrometheusTextFormat() throws Exception {
    registry.counter("reprise.storage.bytes", "kind", "added").increment(42);
    start();

    HttpResponse<String> response = metrics("op");

    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
    assertTrue(response.body().contains("reprise_storage_bytes_total{kind=\"added\"} 42.0"), response.body());
  }

  @Test
  void metricsRefuseOtherRolesAndMissingOrWrongTokensWithJsonErrors() throws Exception {
    start();

    HttpResponse<String> none = metrics(null);
    assertEquals(401, none.statusCode());
    assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
    assertTrue(none.body().startsWith("{\"error\":"), none.body());
    assertEquals(401, metrics("rpr_wrong").statusCode());
    HttpResponse<String> submitter = metrics("sub");
    assertEquals(403, submitter.statusCode());
    assertEquals("only operators may read the worker's metrics",
        new ObjectMapper().readTree(submitter.body()).get("error").asText());
  }

  @Test
  void metricsFailClosedWhenTheApiCannotBeAsked() throws Exception {
    start();
    api.close();

    HttpResponse<String> response = metrics("op");

    assertEquals(503, response.statusCode());
    assertTrue(response.body().contains("cannot be asked"), response.body());
  }
}
