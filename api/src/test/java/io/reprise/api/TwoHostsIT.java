package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.reprise.activities.Compendia;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two worker hosts for real on one machine: the stack's Docker engine (host "hosta") and a second engine with its
 * own data root, exec root, pid file and socket ("hostb", started by docker/host, its base images pulled from the
 * registry), each with a worker of the test instance of its own (docker/service start-worker). The instance's
 * usual workers are stopped meanwhile, so that which host takes a job is decided by which workers poll, not by
 * chance: first only hostb's, then both, then only hosta's after hostb's worker is killed.
 *
 * <ul>
 *   <li>a job validated on hostb runs its steps there: provenance names hostb, and its image is on hostb's engine
 *       and not on hosta's; a long job starts there too;
 *   <li>jobs spread over both hosts: those above on hostb, those below on hosta (placed by which workers poll,
 *       so the test cannot pass by chance or fail by it);
 *   <li>hostb's worker is killed (SIGKILL) while its long job runs: the job ends failure saying the host is gone
 *       (a host wait of 30 s for this worker), and hosta keeps serving new jobs;
 *   <li>a re-run of hostb's job lands on hosta, pulls the image by digest from the registry (the id checked against
 *       the recorded one), and reproduces the outputs.
 * </ul>
 */
class TwoHostsIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(3);

  private final ApiClient api = new ApiClient();

  private static Map<String, String> compendium(String run) {
    // A nonce: no earlier run left this image on either engine.
    return Map.of("Dockerfile", "FROM reprise/busybox\nCOPY run.sh nonce.txt /\nCMD [\"sh\", \"/run.sh\"]\n",
        "run.sh", run, "nonce.txt", UUID.randomUUID().toString(), "reprise.yml", "timeout: 5m\n");
  }

  private static final String QUICK = "mkdir -p results && cat nonce.txt > results/nonce.txt "
      + "&& echo 'the answer is 42' > results/answer.txt\n";

  private static Path instanceDir() {
    return Engines.state().resolve("service").resolve(System.getProperty("reprise.it.instance", "it"));
  }

  private static String host(JsonNode job) {
    return job.get("provenance").get("worker_host").asText();
  }

  private JsonNode rerun(String jobId) throws Exception {
    return api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + jobId + "/rerun"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), 201);
  }

  private JsonNode awaitEnd(String jobId) throws Exception {
    return api.awaitView(jobId, view -> !view.get("status").asText().equals("running"), JOB_LIMIT, "its end");
  }

  @Test
  void jobsRunOnTheHostThatValidatedThemAndReRunOnAnotherByDigest() throws Exception {
    String registry = Engines.registry();
    String engineA = Engines.stack();
    String engineB = Engines.host("hostb");
    Engines.script("host", "up", "hostb");
    try {
      // Only hostb's worker polls: the instance's own workers stop (they come back in finally).
      Engines.service("start-worker", "--host", "hostb", "--host-wait", "30s");
      Engines.service("stop-worker", "--host", "1");
      Engines.service("stop-worker", "--host", "2");

      String quick = api.run(Compendia.zip(compendium(QUICK)));
      String slow = api.run(Compendia.zip(compendium("sleep 240\n")));
      JsonNode onB = awaitEnd(quick);
      assertEquals("success", onB.get("status").asText(), onB.toPrettyString());
      assertEquals("hostb", host(onB), onB.get("provenance").toPrettyString());
      String imageId = onB.get("image_id").asText();
      String digest = onB.get("image_digest").asText();
      assertTrue(digest.startsWith(registry + "/reprise/jobs@sha256:"), digest);
      assertTrue(Engines.hasImage(engineB, imageId), "the image was not built on hostb's engine");
      assertFalse(Engines.hasImage(engineA, imageId), "hostb's image is on hosta's engine already");
      api.awaitView(slow, view -> view.get("steps").get("execute").get("status").asText().equals("running"),
          JOB_LIMIT, "execute running");
      assertEquals("hostb", host(api.view(slow)));

      // hosta's worker joins; jobs then go to both hosts, and to hosta alone once hostb's worker is gone.
      Engines.service("start-worker", "--host", "hosta", "--host-wait", "30s");

      // hostb's worker dies without warning while its long job runs.
      long pid = Long.parseLong(Files.readString(instanceDir().resolve("worker-hostb.pid")).strip());
      ProcessHandle worker = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("hostb's worker is gone"));
      assertTrue(worker.destroyForcibly(), "could not kill hostb's worker");
      worker.onExit().get();

      // hosta serves on: a new job, and the re-run of hostb's job, which pulls the image by its digest.
      String served = api.run(Compendia.zip(compendium(QUICK)));
      String rerunId = rerun(quick).get("job_id").asText();
      JsonNode rerun = awaitEnd(rerunId);
      assertEquals("success", rerun.get("status").asText(), rerun.toPrettyString());
      assertEquals("hosta", host(rerun), rerun.get("provenance").toPrettyString());
      String compileText = rerun.get("steps").get("compile").get("text").asText();
      assertTrue(compileText.contains("pulled " + digest + " from the registry"), compileText);
      assertEquals(imageId, rerun.get("image_id").asText());
      assertTrue(Engines.hasImage(engineA, digest), "hosta's engine has not the image by its digest");
      JsonNode comparison = api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + quick
          + "/compare/" + rerunId)).GET().build(), 200);
      assertTrue(comparison.get("reproduced").asBoolean(), comparison.toPrettyString());
      JsonNode servedJob = awaitEnd(served);
      assertEquals("success", servedJob.get("status").asText(), servedJob.toPrettyString());
      assertEquals("hosta", host(servedJob));

      // The long job ends truthfully: its host is gone, so execute fails saying so, and cleanup ran elsewhere.
      JsonNode lost = awaitEnd(slow);
      assertEquals("failure", lost.get("status").asText(), lost.toPrettyString());
      String executeText = lost.get("steps").get("execute").get("text").asText();
      assertTrue(executeText.contains("the worker holding the job's folder is gone"), lost.toPrettyString());
      assertTrue(lost.get("steps").get("cleanup").get("text").asText().contains("could not be uploaded"),
          lost.get("steps").get("cleanup").toPrettyString());
    } finally {
      Engines.service("stop-worker", "--host", "hostb");
      Engines.service("stop-worker", "--host", "hosta");
      Engines.service("restart-workers", "--workers", "2");
      // The long job's container stops with hostb's engine.
      Engines.script("host", "down", "hostb");
      // The hosts are gone: their published engines go too, so the instance's storage sweeps (StorageIT) do not
      // send image sweeps to hosts nobody serves for the ten minutes a published engine counts as alive.
      io.reprise.activities.storage.MinioArtifactStore store = io.reprise.activities.storage.MinioArtifactStore
          .connect(io.reprise.activities.TestStack.minio("reprise-" + System.getProperty("reprise.it.instance",
              "it")));
      for (String host : java.util.List.of("hosta", "hostb")) {
        store.delete(io.reprise.activities.storage.StoreKeys.ENGINES_PREFIX + host + ".json");
      }
    }
  }
}
