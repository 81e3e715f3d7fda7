package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.reprise.activities.Compendia;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Job images in the stack's registry: compile pushes each one and records its repository digest; execute and
 * re-runs run it by that digest, so a re-run works after the image was removed from the engine (it is pulled
 * again, and its id checked against the recorded one); base images can be pinned by digest, and a tag is resolved
 * to its digest with a warning.
 */
class RegistryIT {

  private final ApiClient api = new ApiClient();

  private static Map<String, String> compendium(String from) {
    // A nonce, so that no earlier run of the test left this image on the engine or in the registry.
    return Map.of("Dockerfile", "FROM " + from + "\nCOPY run.sh nonce.txt /\nCMD [\"sh\", \"/run.sh\"]\n",
        "run.sh", "mkdir -p results && echo 'the answer is 42' > results/answer.txt\n",
        "nonce.txt", UUID.randomUUID().toString());
  }

  private JsonNode rerun(String jobId) throws Exception {
    return api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + jobId + "/rerun"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), 201);
  }

  private JsonNode compare(String a, String b) throws Exception {
    return api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + a + "/compare/" + b))
        .GET().build(), 200);
  }

  @Test
  void reRunAfterTheImageWasRemovedPullsItByDigestAndReproduces() throws Exception {
    String registry = Engines.registry();
    String engine = Engines.stack();
    String jobId = api.run(Compendia.zip(compendium("reprise/busybox")));
    JsonNode job = api.awaitEnd(jobId);
    assertEquals("success", job.get("status").asText(), job.toPrettyString());

    String digest = job.get("image_digest").asText();
    assertTrue(digest.matches("\\Q" + registry + "\\E/reprise/jobs@sha256:[0-9a-f]{64}"), digest);
    assertEquals(digest, job.get("provenance").get("image_repo_digest").asText());
    assertTrue(job.get("steps").get("compile").get("text").asText().contains("pushed to the registry as " + digest),
        job.get("steps").get("compile").toPrettyString());
    // The base image is named by its tag: validate resolves it to its digest in the registry, and warns.
    String baseDigest = job.get("provenance").get("base_image_digest").asText();
    assertTrue(baseDigest.matches("\\Q" + registry + "\\E/reprise/busybox@sha256:[0-9a-f]{64}"), baseDigest);
    assertEquals("warning", job.get("steps").get("validate").get("status").asText());
    assertTrue(job.get("steps").get("validate").get("text").asText().contains(
        "does not pin its base image by digest: reprise/busybox is " + baseDigest), job.toPrettyString());

    // Every name of the image goes from the engine: its job tag, its registry tag, its digest.
    String imageId = job.get("image_id").asText();
    Engines.Result removed = Engines.docker(engine, "rmi", "-f", imageId);
    assertEquals(0, removed.exitCode(), removed.output());
    assertFalse(Engines.hasImage(engine, imageId), "the image is still on the engine");

    String rerunId = rerun(jobId).get("job_id").asText();
    JsonNode rerun = api.awaitEnd(rerunId);
    assertEquals("success", rerun.get("status").asText(), rerun.toPrettyString());
    String compileText = rerun.get("steps").get("compile").get("text").asText();
    assertTrue(compileText.contains("pulled " + digest + " from the registry"), compileText);
    assertTrue(compileText.contains("its id is the recorded one"), compileText);
    assertEquals(imageId, rerun.get("image_id").asText());
    assertEquals(digest, rerun.get("image_digest").asText());
    assertTrue(Engines.hasImage(engine, digest), "the pulled image is not on the engine by its digest");
    JsonNode comparison = compare(jobId, rerunId);
    assertTrue(comparison.get("reproduced").asBoolean(), comparison.toPrettyString());
  }

  /** The digest a tag of the jobs repository names, or null when the registry has no such tag. */
  private static String tagDigest(String registry, String tag) throws Exception {
    return manifest(registry, tag).headers().firstValue("Docker-Content-Digest").orElse(null);
  }

  private static HttpResponse<Void> manifest(String registry, String reference) throws Exception {
    HttpResponse<Void> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://" + registry + "/v2/reprise/jobs/manifests/" + reference))
        .header("Accept", "application/vnd.docker.distribution.manifest.v2+json, "
            + "application/vnd.oci.image.manifest.v1+json")
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    assertTrue(head.statusCode() == 200 || head.statusCode() == 404, "HEAD " + reference + ": " + head.statusCode());
    return head;
  }

  /** Deletes the jobs through the API and runs a sweep, which deletes the registry tags of deleted jobs. */
  private JsonNode deleteAndSweep(String... jobIds) throws Exception {
    for (String jobId : jobIds) {
      api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + jobId)).DELETE().build(), 202);
    }
    return api.sweep("{}");
  }

  @Test
  void anImageLivesWhileAJobThatRanItExistsAndGoesWithTheRegistrysGarbageCollectionAfter() throws Exception {
    String registry = Engines.registry();
    String engine = Engines.stack();
    String originalId = api.run(Compendia.zip(compendium("reprise/busybox")));
    JsonNode original = api.awaitEnd(originalId);
    assertEquals("success", original.get("status").asText(), original.toPrettyString());
    String digest = original.get("image_digest").asText();
    String sha = digest.substring(digest.indexOf('@') + 1);
    assertEquals(sha, tagDigest(registry, originalId), "the build pushed the job's tag");

    // A re-run runs its original's digest, and holds a tag of its own on it.
    String rerunId = rerun(originalId).get("job_id").asText();
    JsonNode rerun = api.awaitEnd(rerunId);
    assertEquals("success", rerun.get("status").asText(), rerun.toPrettyString());
    assertTrue(rerun.get("steps").get("compile").get("text").asText().contains("tagged " + rerunId
        + " in the registry"), rerun.get("steps").get("compile").toPrettyString());
    assertEquals(sha, tagDigest(registry, rerunId));

    // The original goes: its tag with the next sweep, but the image stays through a garbage collection, since the
    // re-run names it; a re-run of the re-run pulls it after the engine lost it.
    JsonNode first = deleteAndSweep(originalId);
    assertTrue(first.get("registry").get("deleted").asInt() >= 1, first.toPrettyString());
    assertNull(tagDigest(registry, originalId), "the deleted job's tag is still there");
    assertEquals(sha, tagDigest(registry, rerunId));
    String kept = Engines.script("stack", "registry-gc");
    assertEquals(200, manifest(registry, sha).statusCode(), "the garbage collection took a living job's image: "
        + kept);
    Engines.docker(engine, "rmi", "-f", original.get("image_id").asText());
    String againId = rerun(rerunId).get("job_id").asText();
    JsonNode again = api.awaitEnd(againId);
    assertEquals("success", again.get("status").asText(), again.toPrettyString());
    assertTrue(again.get("steps").get("compile").get("text").asText().contains("pulled " + digest), again.get(
        "steps").get("compile").toPrettyString());

    // When no job that ran it is left, the garbage collection frees the image.
    deleteAndSweep(rerunId, againId);
    assertNull(tagDigest(registry, rerunId));
    assertNull(tagDigest(registry, againId));
    String freed = Engines.script("stack", "registry-gc");
    assertEquals(404, manifest(registry, sha).statusCode(), "the image outlived every job that ran it: " + freed);
    assertTrue(freed.matches("(?s).*manifests eligible for deletion.*freed [1-9][0-9]*\\).*"), freed);
  }

  @Test
  void aJobImageThatIsItsBaseDoesNotBecomeTheDigestToPin() throws Exception {
    String registry = Engines.registry();
    // FROM alone: the job's image is the base image itself, so pushing it gives the base a digest in reprise/jobs.
    Map<String, String> bare = Map.of("Dockerfile", "FROM reprise/python\n",
        "reprise.yml", "command: [\"python3\", \"-c\", \"print(42)\"]\n", "nonce.txt", UUID.randomUUID().toString());
    for (int i = 0; i < 2; i++) {
      JsonNode job = api.awaitEnd(api.run(Compendia.zip(bare)));
      assertEquals("success", job.get("status").asText(), job.toPrettyString());
      String base = job.get("provenance").get("base_image_digest").asText();
      assertTrue(base.startsWith(registry + "/reprise/python@sha256:"), base);
      assertTrue(job.get("steps").get("validate").get("text").asText().contains("write FROM " + base + " to pin it"),
          job.get("steps").get("validate").toPrettyString());
    }
  }

  @Test
  void aBaseImagePinnedByDigestBuildsWithoutWarningAndJobImagesAreNoBase() throws Exception {
    String registry = Engines.registry();
    String engine = Engines.stack();
    String pinned = Engines.docker(engine, "image", "inspect", "-f",
        "{{range .RepoDigests}}{{println .}}{{end}}", "reprise/busybox:latest").output().lines()
        .filter(line -> line.startsWith(registry + "/reprise/busybox@")).findFirst()
        .orElseThrow(() -> new AssertionError("docker/stack did not publish reprise/busybox to " + registry));

    String jobId = api.run(Compendia.zip(compendium(pinned)));
    JsonNode job = api.awaitEnd(jobId);
    assertEquals("success", job.get("status").asText(), job.toPrettyString());
    assertEquals("success", job.get("steps").get("validate").get("status").asText(), job.toPrettyString());
    assertEquals(pinned, job.get("provenance").get("base_image_digest").asText());

    // Another job's image, by digest in the registry or by tag, is no base image: it would hand over its files.
    String jobImage = job.get("image_digest").asText();
    for (String from : new String[] {jobImage, registry + "/reprise/jobs:" + jobId}) {
      JsonNode refused = api.upload(Compendia.zip(compendium(from)), 400);
      assertTrue(refused.get("error").asText().contains("names the image of another job"), refused.toString());
    }
    // A digest of any other registry is refused: builds pull from the configured registry only.
    JsonNode foreign = api.upload(Compendia.zip(compendium(
        "registry.example.org/python@sha256:" + "0".repeat(64))), 400);
    assertTrue(foreign.get("error").asText().contains("names an image by id or digest"), foreign.toString());
    assertNull(job.get("rebuilt_image_identical"));
  }
}
