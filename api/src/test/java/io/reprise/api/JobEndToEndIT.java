package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.Compendia;
import io.reprise.activities.TestStack;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * End to end over HTTP against the real stack: the API and worker jars that docker/service started for the
 * integration tests, the Temporal dev server, the Docker engine and MinIO.
 */
class JobEndToEndIT {

  private static final String BASE = System.getProperty("reprise.it.baseUrl", "http://127.0.0.1:18080");
  private static final String BUCKET = "reprise-it";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private JsonNode send(HttpRequest request, int expectedStatus) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(expectedStatus, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  private String uploadCompendium(byte[] zip) throws IOException, InterruptedException {
    String boundary = "reprise-" + UUID.randomUUID();
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"compendium\"; "
        + "filename=\"compendium.zip\"\r\nContent-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + zip.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(zip, 0, body, head.length, zip.length);
    System.arraycopy(tail, 0, body, head.length + zip.length, tail.length);
    JsonNode created = send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/compendium"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), 201);
    return created.get("id").asText();
  }

  private String startJob(String compendiumId) throws IOException, InterruptedException {
    JsonNode started = send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/job"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("compendium_id=" + compendiumId + "&user=it")).build(), 201);
    return started.get("job_id").asText();
  }

  /** Polls the job view until the job leaves 'running', for at most five minutes. */
  private JsonNode awaitEnd(String jobId) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (true) {
      JsonNode view = send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/job/" + jobId)).GET().build(), 200);
      if (!"running".equals(view.get("status").asText())) {
        return view;
      }
      assertTrue(Instant.now().isBefore(deadline), "job " + jobId + " still running after five minutes: " + view);
      Thread.sleep(500);
    }
  }

  @Test
  void exampleCompendiumRunsEveryStepAndItsResultLandsInMinio() throws Exception {
    String compendiumId = uploadCompendium(Compendia.helloAnalysis());
    String jobId = startJob(compendiumId);

    JsonNode job = awaitEnd(jobId);

    assertEquals("success", job.get("status").asText(), job.toPrettyString());
    assertEquals(compendiumId, job.get("compendium_id").asText());
    assertEquals("it", job.get("user").asText());
    JsonNode steps = job.get("steps");
    assertEquals("validate,compile,execute,cleanup", String.join(",", (Iterable<String>) steps::fieldNames));
    for (Iterator<Map.Entry<String, JsonNode>> it = steps.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> step = it.next();
      assertEquals("success", step.getValue().get("status").asText(), step.getKey());
      Instant start = Instant.parse(step.getValue().get("start").asText());
      Instant end = Instant.parse(step.getValue().get("end").asText());
      assertFalse(end.isBefore(start), step.getKey() + " ends before it starts");
    }
    assertTrue(job.get("image_id").asText().startsWith("sha256:"));
    assertEquals(0, job.get("exit_code").asInt());

    MinioArtifactStore store = MinioArtifactStore.connect(TestStack.minio(BUCKET));
    try (InputStream result = store.open(StoreKeys.jobFile(jobId, "work/results/summary.txt")).orElseThrow()) {
      String summary = new String(result.readAllBytes(), StandardCharsets.UTF_8);
      assertEquals("""
          measurements: 7
          mean temperature: 21.13 C
          median temperature: 21.00 C
          warmest day: 2024-07-05 (25.2 C)
          """, summary);
    }
    boolean listed = false;
    for (JsonNode file : job.get("files")) {
      listed |= "work/results/summary.txt".equals(file.get("path").asText());
    }
    assertTrue(listed, "the job view lists the result file");
  }

  @Test
  void failedBuildEndsTheJobWithExecuteSkippedAndCleanupDone() throws Exception {
    String compendiumId = uploadCompendium(Compendia.zip(Map.of(
        "Dockerfile", "FROM reprise/busybox\nRUN exit 7\n")));
    String jobId = startJob(compendiumId);

    JsonNode job = awaitEnd(jobId);

    assertEquals("failure", job.get("status").asText(), job.toPrettyString());
    JsonNode steps = job.get("steps");
    assertEquals("success", steps.get("validate").get("status").asText());
    assertEquals("failure", steps.get("compile").get("status").asText());
    assertTrue(steps.get("compile").get("text").asText().contains("RUN exit 7"));
    assertEquals("skipped", steps.get("execute").get("status").asText());
    assertEquals("success", steps.get("cleanup").get("status").asText());
    assertNotNull(job.get("temporal_ui"));
  }

  @Test
  void unknownJobAndCompendiumAnswerJsonErrors() throws Exception {
    JsonNode missingJob = send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/job/zzzzzzzzzzzz")).GET().build(),
        404);
    assertTrue(missingJob.get("error").asText().contains("zzzzzzzzzzzz"));

    JsonNode missingCompendium = send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/job"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"compendium_id\": \"zzzzzzzzzzzz\"}")).build(), 404);
    assertTrue(missingCompendium.get("error").asText().contains("no compendium"));
  }
}
