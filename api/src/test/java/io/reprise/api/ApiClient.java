package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.TestStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A plain HTTP client for the end-to-end tests: what any REST client of Reprise would do. It sends a Reprise token
 * with every request that has no Authorization header of its own: by default an operator's (user 'it'), minted for
 * the test instance with docker/service token once per test run.
 */
final class ApiClient {

  static final String BASE = System.getProperty("reprise.it.baseUrl", "http://127.0.0.1:18080");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

  /** How often one read is sent again after a 429; more means reads are refused for longer than a moment. */
  private static final int MAX_READ_RETRIES = 5;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String token;

  /** A client that acts as the operator 'it'. */
  ApiClient() {
    this(token("it", "operator"));
  }

  private ApiClient(String token) {
    this.token = token;
  }

  /** A client with a token of its own for the user and role (minted once per run and user). */
  static ApiClient as(String user, String role) {
    return new ApiClient(token(user, role));
  }

  /** A client that sends the token given (or none, for null) as it is. */
  static ApiClient withToken(String token) {
    return new ApiClient(token);
  }

  String token() {
    return token;
  }

  /**
   * The token of the user and role, minted by {@code docker/service token --instance <the test instance>} the first
   * time it is asked for; the script prints the token and nothing else.
   */
  static String token(String user, String role) {
    return TOKENS.computeIfAbsent(user + "/" + role, key -> mint(user, role));
  }

  /** Mints a new token (never cached), as an operator does from the shell. */
  static String mint(String user, String role) {
    List<String> output = service("token", "--user", user, "--role", role);
    assertEquals(1, output.size(), "docker/service token prints the token alone: " + output);
    assertTrue(output.get(0).startsWith("rpr_"), output.get(0));
    return output.get(0);
  }

  /** The test instance's Temporal namespace, as docker/service names it ('reprise-' and the instance). */
  static String namespace() {
    String instance = System.getProperty("reprise.it.instance", "it");
    return instance.equals("local") ? "reprise" : "reprise-" + instance;
  }

  /** Runs docker/service with the test instance, and answers its stdout lines; fails on a non-zero exit. */
  static List<String> service(String... arguments) {
    List<String> command = new ArrayList<>(List.of("bash", TestStack.repoRoot().resolve("docker/service")
        .toString()));
    command.addAll(List.of(arguments));
    command.addAll(List.of("--instance", System.getProperty("reprise.it.instance", "it")));
    try {
      Path err = Files.createTempFile("reprise-service-", ".err");
      Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(2, TimeUnit.MINUTES), "docker/service " + arguments[0] + " did not end");
      assertEquals(0, process.exitValue(), Files.readString(err));
      Files.deleteIfExists(err);
      return out.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The request with this client's token, unless it carries an Authorization header already. */
  HttpRequest authorized(HttpRequest request) {
    if (token == null || request.headers().firstValue("Authorization").isPresent()) {
      return request;
    }
    return HttpRequest.newBuilder(request, (name, value) -> true).header("Authorization", "Bearer " + token)
        .build();
  }

  /** Sends the request with this client's token and answers the whole response, whatever its status. */
  HttpResponse<String> exchange(HttpRequest request) throws IOException, InterruptedException {
    return http.send(authorized(request), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends the request and expects the status given. A read (GET) answered 429 is sent again after its Retry-After,
   * as the README asks of every client, a few times at most: the API refuses reads over its budget at once rather
   * than queueing them, and a test that reads hundreds of job views in a row is such a client. A test that expects
   * 429 gets it.
   */
  JsonNode send(HttpRequest request, int expectedStatus) throws IOException, InterruptedException {
    HttpResponse<String> response = exchange(request);
    for (int retry = 0; retry < MAX_READ_RETRIES && expectedStatus != 429 && response.statusCode() == 429
        && "GET".equals(request.method()); retry++) {
      long seconds = response.headers().firstValueAsLong("Retry-After").orElse(-1);
      assertTrue(seconds >= 0 && seconds <= 5, "a 429 says when to come back, within seconds: " + seconds);
      TimeUnit.SECONDS.sleep(seconds);
      response = exchange(request);
    }
    assertEquals(expectedStatus, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  String uploadCompendium(byte[] zip) throws IOException, InterruptedException {
    return upload(zip, 201).get("id").asText();
  }

  /** Posts the bytes as the multipart field 'compendium', as curl -F does, and expects the status given. */
  JsonNode upload(byte[] content, int expectedStatus) throws IOException, InterruptedException {
    String boundary = "reprise-" + UUID.randomUUID();
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"compendium\"; "
        + "filename=\"compendium.zip\"\r\nContent-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + content.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(content, 0, body, head.length, content.length);
    System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
    return send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/compendium"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), expectedStatus);
  }

  String startJob(String compendiumId) throws IOException, InterruptedException {
    JsonNode started = send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/job"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("compendium_id=" + compendiumId + "&user=it")).build(), 201);
    return started.get("job_id").asText();
  }

  String run(byte[] compendium) throws IOException, InterruptedException {
    return startJob(uploadCompendium(compendium));
  }

  /** Uploads the compendium and starts a job on it for this client's own user (no "user" field). */
  String runOwn(byte[] compendium) throws IOException, InterruptedException {
    String compendiumId = uploadCompendium(compendium);
    return send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/job"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("compendium_id=" + compendiumId)).build(), 201)
        .get("job_id").asText();
  }

  JsonNode view(String jobId) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/job/" + jobId)).GET().build(), 200);
  }

  JsonNode cancel(String jobId, int expectedStatus) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/job/" + jobId + "/cancel"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), expectedStatus);
  }

  /** Polls the job view until it satisfies the condition, for at most the time given. */
  JsonNode awaitView(String jobId, Predicate<JsonNode> condition, Duration limit, String what)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (true) {
      JsonNode view = view(jobId);
      if (condition.test(view)) {
        return view;
      }
      assertTrue(Instant.now().isBefore(deadline), "job " + jobId + ": " + what + " not seen in " + limit + ": "
          + view.toPrettyString());
      Thread.sleep(250);
    }
  }

  JsonNode audit(String auditId) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/audit/" + auditId)).GET().build(), 200);
  }

  /** Starts an audit from the JSON body given and answers the response. */
  JsonNode startAudit(String body, int expectedStatus) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/audit"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), expectedStatus);
  }

  /** Polls the audit until it leaves 'running', for at most the time given. */
  JsonNode awaitAudit(String auditId, Duration limit) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (true) {
      JsonNode audit = audit(auditId);
      if (!"running".equals(audit.get("status").asText())) {
        return audit;
      }
      assertTrue(Instant.now().isBefore(deadline), "audit " + auditId + " still running after " + limit + ": "
          + audit.toPrettyString());
      Thread.sleep(250);
    }
  }

  /** A stored file of a job, as text. */
  String data(String jobId, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = exchange(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/job/" + jobId
        + "/data/" + path)).GET().build());
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  /**
   * Stops the test instance's two workers the way a deploy does (SIGTERM, graceful) and starts them again; the API
   * keeps serving. Returns when both new workers have started.
   */
  void restartWorkers() throws IOException, InterruptedException {
    restartWorkers(null);
  }

  /** As {@link #restartWorkers()}; with a host, the new workers are another host's (see docker/service). */
  void restartWorkers(String host) throws IOException, InterruptedException {
    Path script = TestStack.repoRoot().resolve("docker/service");
    Path log = Files.createTempFile("reprise-restart-", ".log");
    List<String> command = new ArrayList<>(List.of("bash", script.toString(),
        "restart-workers", "--instance", System.getProperty("reprise.it.instance", "it"), "--workers", "2"));
    if (host != null) {
      command.addAll(List.of("--host", host));
    }
    Process restart = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(restart.waitFor(3, TimeUnit.MINUTES), "the workers did not restart in time");
    assertEquals(0, restart.exitValue(), Files.readString(log));
  }

  /** Starts a storage sweep through the API with the JSON body given and waits (at most two minutes) for its report. */
  JsonNode sweep(String body) throws IOException, InterruptedException {
    String id = send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/storage/sweeps"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), 202)
        .get("sweep_id").asText();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (true) {
      JsonNode sweep = send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/storage/sweeps/" + id)).GET().build(),
          200);
      if ("done".equals(sweep.get("status").asText())) {
        return sweep;
      }
      assertEquals("running", sweep.get("status").asText(), sweep.toPrettyString());
      assertTrue(Instant.now().isBefore(deadline), "sweep " + id + " did not end: " + sweep);
      Thread.sleep(250);
    }
  }

  /** Polls the job view until the job leaves 'running', for at most five minutes. */
  JsonNode awaitEnd(String jobId) throws IOException, InterruptedException {
    return awaitView(jobId, view -> !"running".equals(view.get("status").asText()), Duration.ofMinutes(5),
        "the end");
  }
}
