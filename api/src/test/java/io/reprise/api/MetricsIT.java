package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.Compendia;
import io.reprise.activities.TestStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metrics of the API and of every worker of the test instance, on the real stack: after a job that exits 0 and
 * one that exits 3, an operator finds the step, exit code, queue wait, log and storage meters on the workers'
 * {@code /actuator/prometheus}, jobs by status and HTTP metrics on the API's, and Temporal's SDK metrics on both;
 * a submitter gets 403 and a request without a token 401 everywhere.
 */
class MetricsIT {

  private static final String FENCE = "FROM reprise/busybox\nCOPY run.sh /run.sh\nCMD [\"sh\", \"/run.sh\"]\n";
  // Temporal's SDK reports into Micrometer every 10 s, the API refreshes job counts every 15 s: a scrape may have
  // to be repeated for a while before it shows what happened.
  private static final Duration SETTLE = Duration.ofSeconds(60);

  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ApiClient operator = new ApiClient();
  private static ApiClient submitter;

  @BeforeAll
  static void aJobThatSucceedsAndOneThatExitsThree() throws Exception {
    submitter = ApiClient.as("metrics-submitter", "submitter");
    String ok = operator.run(program("echo fine > out.txt\n"));
    String three = operator.run(program("echo failing\nexit 3\n"));
    assertEquals("success", operator.awaitEnd(ok).get("status").asText());
    assertEquals("failure", operator.awaitEnd(three).get("status").asText());
  }

  private static byte[] program(String script) {
    return Compendia.zip(Map.of("Dockerfile", FENCE, "run.sh", script));
  }

  /** The health ports docker/service wrote for the instance's workers. */
  private static List<URI> workers() throws IOException {
    String state = System.getenv("REPRISE_STATE");
    Path dir = (state == null || state.isBlank() ? TestStack.repoRoot().resolve(".state") : Path.of(state))
        .resolve("service").resolve(System.getProperty("reprise.it.instance", "it"));
    List<URI> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().matches("worker-\\d+\\.health-port")).toList()) {
        found.add(URI.create("http://127.0.0.1:" + Files.readString(file).trim() + "/actuator/prometheus"));
      }
    }
    assertFalse(found.isEmpty(), "no worker health port under " + dir);
    return found;
  }

  private static HttpResponse<String> scrape(URI uri, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every worker's scrape as an operator, one text. */
  private static String workerMetrics() throws Exception {
    StringBuilder all = new StringBuilder();
    for (URI worker : workers()) {
      HttpResponse<String> response = scrape(worker, operator.token());
      assertEquals(200, response.statusCode(), response.body());
      assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
      all.append(response.body());
    }
    return all.toString();
  }

  private static String apiMetrics() throws Exception {
    HttpResponse<String> response = scrape(URI.create(ApiClient.BASE + "/actuator/prometheus"), operator.token());
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  /** Scrapes until every line that is wanted is there, or the time is up; answers the last scrape. */
  private interface Scrape {
    String get() throws Exception;
  }

  private static String until(Scrape scrape, List<Predicate<String>> wanted) throws Exception {
    Instant deadline = Instant.now().plus(SETTLE);
    while (true) {
      String text = scrape.get();
      if (wanted.stream().allMatch(want -> text.lines().anyMatch(want)) || Instant.now().isAfter(deadline)) {
        return text;
      }
      Thread.sleep(1000);
    }
  }

  private static Predicate<String> line(String start, String... contains) {
    return line -> line.startsWith(start) && Stream.of(contains).allMatch(line::contains);
  }

  private static void assertLine(String text, String start, String... contains) {
    assertTrue(text.lines().anyMatch(line(start, contains)), "no line " + start + " with " + List.of(contains)
        + " in:\n" + text.lines().filter(l -> l.startsWith("reprise_")).toList());
  }

  @Test
  void workersShowStepsExitCodesQueueWaitLogAndStorageBytesAndTemporalsOwnMetrics() throws Exception {
    List<Predicate<String>> wanted = List.of(
        line("reprise_step_duration_seconds_count{", "step=\"execute\"", "outcome=\"success\""),
        line("reprise_step_duration_seconds_count{", "step=\"execute\"", "outcome=\"failure\""),
        line("reprise_container_exit_total{", "code=\"3\"", "end=\"exited\""),
        line("temporal_"));
    String text = until(MetricsIT::workerMetrics, wanted);

    assertLine(text, "reprise_step_duration_seconds_count{", "step=\"execute\"", "outcome=\"success\"");
    assertLine(text, "reprise_step_duration_seconds_count{", "step=\"execute\"", "outcome=\"failure\"");
    assertLine(text, "reprise_step_duration_seconds_bucket{", "step=\"execute\"", "le=\"+Inf\"");
    assertLine(text, "reprise_container_exit_total{", "code=\"0\"", "end=\"exited\"");
    assertLine(text, "reprise_container_exit_total{", "code=\"3\"", "end=\"exited\"");
    assertLine(text, "reprise_job_queue_wait_seconds_count");
    assertLine(text, "reprise_step_queue_wait_seconds_count{", "step=\"validate\"");
    assertLine(text, "reprise_log_bytes_total{", "step=\"execute\"");
    assertTrue(text.lines().anyMatch(l -> l.matches("reprise_storage_bytes_total\\{kind=\"added\"} [1-9].*")),
        "cleanup uploaded new bytes: " + text.lines().filter(l -> l.startsWith("reprise_storage")).toList());
    assertLine(text, "reprise_storage_bytes_total{", "kind=\"reused\"");
    assertLine(text, "temporal_");
  }

  @Test
  void theApiShowsJobsByStatusHttpAndTemporalClientMetrics() throws Exception {
    String text = until(MetricsIT::apiMetrics, List.of(
        line -> line.matches("reprise_jobs\\{status=\"success\"} [1-9][0-9]*\\.0"),
        line("temporal_")));

    assertTrue(text.lines().anyMatch(l -> l.matches("reprise_jobs\\{status=\"success\"} [1-9][0-9]*\\.0")),
        text.lines().filter(l -> l.startsWith("reprise_jobs")).toList().toString());
    assertTrue(text.lines().anyMatch(l -> l.matches("reprise_jobs\\{status=\"failure\"} [1-9][0-9]*\\.0")),
        text.lines().filter(l -> l.startsWith("reprise_jobs")).toList().toString());
    assertLine(text, "http_server_requests_seconds_bucket{", "uri=\"/api/v1/job/{id}\"");
    assertLine(text, "temporal_");
  }

  @Test
  void aSubmitterGets403AndNoToken401OnTheApiAndEveryWorker() throws Exception {
    List<URI> all = new ArrayList<>(workers());
    all.add(URI.create(ApiClient.BASE + "/actuator/prometheus"));
    ObjectMapper json = new ObjectMapper();
    for (URI uri : all) {
      HttpResponse<String> denied = scrape(uri, submitter.token());
      assertEquals(403, denied.statusCode(), uri + ": " + denied.body());
      assertTrue(json.readTree(denied.body()).get("error").isTextual(), denied.body());
      HttpResponse<String> anonymous = scrape(uri, null);
      assertEquals(401, anonymous.statusCode(), uri + ": " + anonymous.body());
      assertTrue(json.readTree(anonymous.body()).get("error").isTextual(), anonymous.body());
    }
  }
}
