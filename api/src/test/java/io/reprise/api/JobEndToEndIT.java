package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.reprise.activities.Compendia;
import io.reprise.activities.TestStack;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * End to end over HTTP against the real stack: the API and worker jars that docker/service started for the
 * integration tests, the Temporal dev server, the Docker engine and MinIO.
 */
class JobEndToEndIT {

  private static final String BUCKET = "reprise-" + System.getProperty("reprise.it.instance", "it");

  private final ApiClient api = new ApiClient();

  @Test
  void exampleCompendiumRunsEveryStepAndItsResultLandsInMinio() throws Exception {
    String compendiumId = api.uploadCompendium(Compendia.helloAnalysis());
    String jobId = api.startJob(compendiumId);

    JsonNode job = api.awaitEnd(jobId);

    assertEquals("success", job.get("status").asText(), job.toPrettyString());
    assertEquals(compendiumId, job.get("compendium_id").asText());
    assertEquals("it", job.get("user").asText());
    JsonNode steps = job.get("steps");
    assertEquals("validate,compile,execute,cleanup", String.join(",", (Iterable<String>) steps::fieldNames));
    for (Iterator<Map.Entry<String, JsonNode>> it = steps.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> step = it.next();
      // Validate warns that FROM reprise/python pins no digest in the stack's registry; the job still succeeds.
      assertEquals(step.getKey().equals("validate") ? "warning" : "success", step.getValue().get("status").asText(),
          step.getKey());
      Instant start = Instant.parse(step.getValue().get("start").asText());
      Instant end = Instant.parse(step.getValue().get("end").asText());
      assertFalse(end.isBefore(start), step.getKey() + " ends before it starts");
    }
    assertTrue(job.get("image_id").asText().startsWith("sha256:"));
    assertTrue(job.get("base_image_id").asText().startsWith("sha256:"));
    assertEquals(0, job.get("exit_code").asInt());
    assertEquals("validate,compile,execute,cleanup", join(job.get("execution_order")));
    List<String> resultTypes = new ArrayList<>();
    job.get("results").forEach(r -> resultTypes.add(r.get("resultType").asText()));
    assertEquals(List.of("EXIT_CODE", "LOG", "OUTPUT_MANIFEST", "IMAGE"), resultTypes);

    JsonNode provenance = job.get("provenance");
    JsonNode compendium = api.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ApiClient.BASE
        + "/api/v1/compendium/" + compendiumId)).GET().build(), 200);
    assertEquals(compendium.get("content_hash").asText(), provenance.get("compendium_content_hash").asText(),
        "the job records the content hash of the compendium it ran");
    assertTrue(provenance.get("dockerfile_sha256").asText().matches("[0-9a-f]{64}"));
    assertEquals(job.get("image_id").asText(), provenance.get("image_id").asText());
    assertEquals(job.get("base_image_id").asText(), provenance.get("base_image_id").asText());
    assertTrue(provenance.get("environment").toString().contains("PATH="), provenance.toString());
    assertEquals(600, provenance.get("limits").get("timeout_seconds").asInt());
    assertTrue(provenance.get("docker_version").asText().matches("\\d+\\..*"), provenance.toString());
    assertTrue(provenance.get("temporal_server_version").asText().matches("\\d+\\..*"), provenance.toString());
    assertTrue(provenance.get("reprise_version").asText().startsWith("0.1.0"), provenance.toString());
    assertFalse(provenance.get("worker_host").asText().isBlank());

    MinioArtifactStore store = MinioArtifactStore.connect(TestStack.minio(BUCKET));
    try (InputStream stored = store.open(StoreKeys.jobFile(jobId, "provenance.json")).orElseThrow()) {
      assertEquals(provenance, new com.fasterxml.jackson.databind.ObjectMapper().readTree(stored),
          "provenance.json beside the outputs says what the job view says");
    }
    try (InputStream result = new io.reprise.activities.jobs.JobFiles(store).open(jobId, "work/results/summary.txt")
        .orElseThrow()) {
      String summary = new String(result.readAllBytes(), StandardCharsets.UTF_8);
      assertEquals("""
          measurements: 7
          mean temperature: 21.13 C
          median temperature: 21.00 C
          warmest day: 2024-07-05 (25.2 C)
          """, summary);
    }
    JsonNode work = child(job.get("files"), "work");
    JsonNode summary = child(child(work, "results"), "summary.txt");
    assertEquals("file", summary.get("type").asText());
    assertEquals("work/results/summary.txt", summary.get("path").asText());
    assertEquals("/api/v1/job/" + jobId + "/data/work/results/summary.txt", summary.get("url").asText());
    assertEquals("directory", work.get("type").asText());
  }

  @Test
  void failedBuildEndsTheJobWithExecuteSkippedAndCleanupDone() throws Exception {
    String jobId = api.run(Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\nRUN exit 7\n")));

    JsonNode job = api.awaitEnd(jobId);

    assertEquals("failure", job.get("status").asText(), job.toPrettyString());
    JsonNode steps = job.get("steps");
    // A warning, not a failure: with the stack's registry, validate says the base image is not pinned by digest.
    assertEquals("warning", steps.get("validate").get("status").asText(), steps.get("validate").toString());
    assertTrue(steps.get("validate").get("text").asText().contains("does not pin its base image by digest"));
    assertEquals("failure", steps.get("compile").get("status").asText());
    assertTrue(steps.get("compile").get("text").asText().contains("RUN exit 7"));
    assertEquals("skipped", steps.get("execute").get("status").asText());
    assertEquals("success", steps.get("cleanup").get("status").asText());
    assertNotNull(job.get("temporal_ui"));
  }

  @Test
  void unknownJobAndCompendiumAnswerJsonErrors() throws Exception {
    JsonNode missingJob = api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/zzzzzzzzzzzz"))
        .GET().build(), 404);
    assertTrue(missingJob.get("error").asText().contains("zzzzzzzzzzzz"));

    JsonNode missingCompendium = api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"compendium_id\": \"zzzzzzzzzzzz\"}")).build(), 404);
    assertTrue(missingCompendium.get("error").asText().contains("no compendium"));

    JsonNode cancelUnknown = api.cancel("zzzzzzzzzzzz", 404);
    assertTrue(cancelUnknown.get("error").asText().contains("no job"));
  }

  /** The child of a folder in the job's file tree, by name. */
  static JsonNode child(JsonNode folder, String name) {
    for (JsonNode node : folder.get("children")) {
      if (node.get("name").asText().equals(name)) {
        return node;
      }
    }
    throw new AssertionError("no " + name + " in " + folder);
  }

  static String join(JsonNode array) {
    List<String> items = new ArrayList<>();
    array.forEach(item -> items.add(item.asText()));
    return String.join(",", items);
  }
}
