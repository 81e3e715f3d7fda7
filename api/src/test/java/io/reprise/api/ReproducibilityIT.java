package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.reprise.activities.Compendia;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Comparing two runs of a compendium, file by file, end to end. */
class ReproducibilityIT {

  private static final String DOCKERFILE = "FROM reprise/busybox\nCOPY run.sh /run.sh\nCMD [\"sh\", \"/run.sh\"]\n";
  // One stable output, and one that differs on every run.
  private static final String RANDOM_RUN = "mkdir -p results\n"
      + "echo 'the answer is 42' > results/stable.txt\n"
      + "head -c 8 /dev/urandom | od -An -tx1 > results/random.txt\n";

  private final ApiClient api = new ApiClient();

  /** Runs the compendium twice and answers the comparison of the two jobs. */
  private JsonNode runTwiceAndCompare(Map<String, String> files) throws Exception {
    String compendiumId = api.uploadCompendium(Compendia.zip(files));
    String a = api.startJob(compendiumId);
    String b = api.startJob(compendiumId);
    assertEquals("success", api.awaitEnd(a).get("status").asText());
    assertEquals("success", api.awaitEnd(b).get("status").asText());
    return api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + a + "/compare/" + b))
        .GET().build(), 200);
  }

  private static JsonNode file(JsonNode comparison, String path) {
    for (JsonNode file : comparison.get("files")) {
      if (file.get("path").asText().equals(path)) {
        return file;
      }
    }
    throw new AssertionError("no " + path + " in " + comparison.toPrettyString());
  }

  @Test
  void deterministicCompendiumReproduces() throws Exception {
    JsonNode comparison = runTwiceAndCompare(Map.of("Dockerfile", DOCKERFILE,
        "run.sh", "mkdir -p results && echo 'the answer is 42' > results/stable.txt\n"));

    assertTrue(comparison.get("reproduced").asBoolean(), comparison.toPrettyString());
    assertEquals("identical", file(comparison, "results/stable.txt").get("verdict").asText());
    assertEquals(1, comparison.get("counts").get("identical").asInt());
  }

  @Test
  void randomOutputIsFlaggedWithADiff() throws Exception {
    JsonNode comparison = runTwiceAndCompare(Map.of("Dockerfile", DOCKERFILE, "run.sh", RANDOM_RUN));

    assertFalse(comparison.get("reproduced").asBoolean(), comparison.toPrettyString());
    JsonNode random = file(comparison, "results/random.txt");
    assertEquals("different", random.get("verdict").asText());
    assertFalse(random.get("sha256_a").asText().equals(random.get("sha256_b").asText()));
    String diff = random.get("diff").asText();
    assertTrue(diff.startsWith("--- a/results/random.txt\n+++ b/results/random.txt\n@@"), diff);
    assertTrue(diff.lines().anyMatch(line -> line.startsWith("-")) && diff.lines().anyMatch(l -> l.startsWith("+")));
    assertEquals("identical", file(comparison, "results/stable.txt").get("verdict").asText());
  }

  @Test
  void ignoredOutputsDoNotCountAgainstReproduction() throws Exception {
    Map<String, String> files = new HashMap<>(Map.of("Dockerfile", DOCKERFILE, "run.sh", RANDOM_RUN));
    files.put("reprise.yml", "ignore: ['results/random.txt']\n");

    JsonNode comparison = runTwiceAndCompare(files);

    assertTrue(comparison.get("reproduced").asBoolean(), comparison.toPrettyString());
    JsonNode random = file(comparison, "results/random.txt");
    assertEquals("different", random.get("verdict").asText());
    assertTrue(random.get("ignored").asBoolean());
    assertEquals("results/random.txt", comparison.get("ignore").get(0).asText());
  }

  private JsonNode rerun(String jobId, String query, int expectedStatus) throws Exception {
    return api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + jobId + "/rerun" + query))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), expectedStatus);
  }

  @Test
  void rerunRunsTheRecordedImageWithoutRebuildingAndReproduces() throws Exception {
    String original = api.run(Compendia.zip(Map.of("Dockerfile", DOCKERFILE,
        "run.sh", "mkdir -p results && echo 'the answer is 42' > results/stable.txt\n")));
    JsonNode before = api.awaitEnd(original);

    JsonNode started = rerun(original, "", 201);
    String again = started.get("job_id").asText();
    JsonNode after = api.awaitEnd(again);

    assertEquals(original, started.get("rerun_of").asText());
    assertEquals("success", after.get("status").asText(), after.toPrettyString());
    assertEquals(original, after.get("rerun_of").asText());
    assertEquals(before.get("image_id").asText(), after.get("image_id").asText(), "the recorded image ran");
    assertTrue(after.get("steps").get("compile").get("text").asText().startsWith("reused the recorded image "
        + before.get("image_id").asText() + " without building"), "not rebuilt");
    assertEquals(before.get("compendium_id"), after.get("compendium_id"));
    JsonNode comparison = api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + original
        + "/compare/" + again)).GET().build(), 200);
    assertTrue(comparison.get("reproduced").asBoolean(), comparison.toPrettyString());
    JsonNode reruns = api.awaitView(original, view -> view.get("reruns").size() == 1, java.time.Duration.ofSeconds(30),
        "the re-run in the original's list");
    assertEquals(again, reruns.get("reruns").get(0).asText());
  }

  @Test
  void rebuildOfADeterministicDockerfileReportsTheImageIdsItCompared() throws Exception {
    String original = api.run(Compendia.zip(Map.of("Dockerfile",
        "FROM reprise/busybox\nRUN echo fixed > /built.txt\nCOPY run.sh /run.sh\nCMD [\"sh\", \"/run.sh\"]\n",
        "run.sh", "cat /built.txt\n")));
    String recorded = api.awaitEnd(original).get("image_id").asText();

    String rebuilt = rerun(original, "?rebuild=true", 201).get("job_id").asText();
    JsonNode after = api.awaitEnd(rebuilt);

    assertEquals("success", after.get("status").asText(), after.toPrettyString());
    String text = after.get("steps").get("compile").get("text").asText();
    assertTrue(after.has("rebuilt_image_identical"), after.toPrettyString());
    if (after.get("rebuilt_image_identical").asBoolean()) {
      assertTrue(text.startsWith("rebuilt image is identical to the recorded one: " + recorded), text);
      assertEquals(recorded, after.get("image_id").asText());
    } else {
      assertTrue(text.startsWith("rebuilt image differs: recorded " + recorded + ", rebuilt "
          + after.get("image_id").asText()), text);
    }
  }

  @Test
  void rerunOfAnUnknownOrRunningJobIsRefused() throws Exception {
    assertTrue(rerun("zzzzzzzzzzzz", "", 404).get("error").asText().contains("no job"));
    String running = api.run(Compendia.zip(Map.of("Dockerfile", DOCKERFILE, "run.sh", "sleep 30\n")));
    api.awaitView(running, view -> "running".equals(view.get("steps").get("execute").get("status").asText()),
        java.time.Duration.ofSeconds(60), "execute running");

    assertTrue(rerun(running, "", 409).get("error").asText().contains("has not ended"));
    api.cancel(running, 202);
    api.awaitEnd(running);
  }

  @Test
  void comparingAnUnknownJobIsA404() throws Exception {
    JsonNode error = api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE
        + "/api/v1/job/zzzzzzzzzzzz/compare/yyyyyyyyyyyy")).GET().build(), 404);

    assertTrue(error.get("error").asText().contains("zzzzzzzzzzzz"));
  }
}
