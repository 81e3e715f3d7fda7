package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.reprise.activities.Compendia;
import io.reprise.activities.TestStack;
import io.reprise.activities.files.Sha256;
import io.reprise.activities.storage.BlobStore;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Deleting jobs, retention with pins, and the storage sweep, on the real stack: the API, the workers (which run
 * the sweep workflow), Temporal and MinIO. Sweeps are started through the API with their grace and retention
 * given, so the instance keeps the defaults and no other test's jobs are expired by its schedule.
 */
class StorageIT {

  private static final String DOCKERFILE = "FROM reprise/busybox\nCOPY run.sh /run.sh\nCMD [\"sh\", \"/run.sh\"]\n";

  private final ApiClient api = new ApiClient();
  private final MinioArtifactStore store = MinioArtifactStore.connect(TestStack.minio(
      "reprise-" + System.getProperty("reprise.it.instance", "it")));

  private JsonNode delete(ApiClient client, String path, int expected) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + path)).DELETE().build(), expected);
  }

  private JsonNode post(ApiClient client, String path, String json, int expected) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        expected);
  }

  private JsonNode get(ApiClient client, String path, int expected) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + path)).GET().build(), expected);
  }

  private static List<String> ids(JsonNode list) {
    List<String> ids = new ArrayList<>();
    list.get("results").forEach(item -> ids.add(item.asText()));
    return ids;
  }

  @Test
  void aDeletedJobIsGoneEverywhereWhileAJobSharingItsBlobsServesThemAndTheSweepFreesOnlyUnreferencedBlobs()
      throws Exception {
    String marker = UUID.randomUUID().toString();
    String compendium = api.uploadCompendium(Compendia.zip(Map.of("Dockerfile", DOCKERFILE,
        "run.sh", "mkdir -p results && echo 'shared output " + marker + "' > results/out.txt\n")));
    String a = api.startJob(compendium);
    String b = api.startJob(compendium);
    ApiClient sam = ApiClient.as("store-sam", "submitter");
    String samsJob = sam.runOwn(Compendia.zip(Map.of("Dockerfile", DOCKERFILE, "run.sh", "echo mine\n")));
    String slow = api.run(Compendia.zip(Map.of("Dockerfile", DOCKERFILE, "run.sh", "sleep 60\n")));
    api.awaitView(slow, view -> "running".equals(view.get("steps").get("execute").get("status").asText()),
        Duration.ofMinutes(2), "execute running");
    assertTrue(delete(api, "/api/v1/job/" + slow, 409).get("error").asText().contains("is running"));
    api.cancel(slow, 202);
    for (String job : List.of(a, b, samsJob)) {
      assertEquals("success", api.awaitEnd(job).get("status").asText());
    }
    assertFalse(store.list(StoreKeys.jobPrefix(a)).isEmpty());

    // Who may delete: a submitter another's job (404, as for any job they cannot see), an auditor another's (403).
    delete(sam, "/api/v1/job/" + a, 404);
    delete(ApiClient.as("store-audrey", "auditor"), "/api/v1/job/" + a, 403);
    delete(ApiClient.withToken(null), "/api/v1/job/" + a, 401);

    JsonNode deleted = delete(api, "/api/v1/job/" + a, 202);
    assertEquals("deleted", deleted.get("status").asText());
    assertTrue(deleted.get("objects_deleted").asInt() >= 3, deleted.toPrettyString());
    get(api, "/api/v1/job/" + a, 404);
    get(api, "/api/v1/job/" + a + "/data/work/results/out.txt", 404);
    get(api, "/api/v1/job/" + a + "/logs", 404);
    get(api, "/api/v1/job/" + a + "/compare/" + b, 404);
    get(api, "/api/v1/job/" + b + "/compare/" + a, 404);
    assertFalse(ids(get(api, "/api/v1/job?compendium_id=" + compendium, 200)).contains(a));
    assertEquals(List.of(b), ids(get(api, "/api/v1/job?compendium_id=" + compendium, 200)));
    assertTrue(store.list(StoreKeys.jobPrefix(a)).isEmpty(), "the job's logs and records are gone");
    delete(api, "/api/v1/job/" + a, 404);
    // Its owner deletes their own job.
    delete(sam, "/api/v1/job/" + samsJob, 202);
    sam.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + samsJob)).GET().build(), 404);

    // A blob no job names (a deleted job's own output).
    Path loose = Files.writeString(Files.createTempFile("loose", ".txt"), "loose bytes " + marker);
    String looseHash = Sha256.of(loose);
    new BlobStore(store).put(loose, looseHash, Files.size(loose), "text/plain");

    JsonNode graced = api.sweep("{\"grace\": \"1h\"}").get("blobs");
    assertTrue(graced.get("young").asInt() >= 1, graced.toPrettyString());
    assertTrue(store.stat(StoreKeys.blob(looseHash)).isPresent(), "younger than the grace: kept");

    JsonNode first = api.sweep("{\"grace\": \"0s\"}");
    assertTrue(first.get("blobs").get("trashed").asInt() >= 1, first.toPrettyString());
    assertTrue(store.stat(StoreKeys.trash(looseHash)).isPresent());
    JsonNode second = api.sweep("{\"grace\": \"0s\"}");
    assertTrue(second.get("blobs").get("freed").asInt() >= 1, second.toPrettyString());
    assertTrue(second.get("blobs").get("freed_bytes").asLong() >= Files.size(loose));
    assertTrue(store.stat(StoreKeys.blob(looseHash)).isEmpty() && store.stat(StoreKeys.trash(looseHash)).isEmpty(),
        "the unreferenced blob is freed");
    // The blobs job a shared with job b are b's still.
    assertEquals("shared output " + marker + "\n", api.data(b, "work/results/out.txt"));
    assertEquals(DOCKERFILE, api.data(b, "work/Dockerfile"));
    // The deleted job's image went from its host's engine with the first sweep after the deletion.
    List<String> removed = new ArrayList<>();
    for (JsonNode host : get(api, "/api/v1/storage/sweeps", 200).get("results")) {
      host.get("hosts").forEach(h -> h.get("removed").forEach(tag -> removed.add(tag.asText())));
    }
    assertTrue(removed.contains("reprise/job-" + a + ":latest"), removed.toString());

    // Usage and the last sweep: operators and auditors; the sweeps: operators.
    JsonNode storage = get(api, "/api/v1/storage", 200);
    assertEquals(second.get("id").asText(), storage.get("last_sweep").get("id").asText());
    assertTrue(storage.get("usage").get("users").has("it"), storage.toPrettyString());
    assertEquals("reprise-storage-sweep", storage.get("schedule").get("id").asText());
    get(ApiClient.as("store-audrey", "auditor"), "/api/v1/storage", 200);
    get(sam, "/api/v1/storage", 403);
    get(ApiClient.as("store-audrey", "auditor"), "/api/v1/storage/sweeps", 403);
    post(ApiClient.as("store-audrey", "auditor"), "/api/v1/storage/sweeps", "{}", 403);
    post(api, "/api/v1/storage/sweeps", "{\"grace\": \"soon\"}", 400);
  }

  @Test
  void retentionExpiresAnEndedJobButKeepsOneAnAuditorPinned() throws Exception {
    byte[] failing = Compendia.zip(Map.of("Dockerfile", DOCKERFILE, "run.sh", "echo failing; exit 3\n"));
    String pinned = api.run(failing);
    String expiring = api.run(failing);
    ApiClient audrey = ApiClient.as("store-audrey", "auditor");
    JsonNode pin = post(audrey, "/api/v1/job/" + pinned + "/pin", "", 200);
    assertEquals("store-audrey", pin.get("pinned_by").asText());
    post(ApiClient.as("store-sam", "submitter"), "/api/v1/job/" + expiring + "/pin", "", 403);
    assertTrue(get(api, "/api/v1/job/" + pinned + "/pin", 200).get("pinned").asBoolean());
    Instant ended = Instant.EPOCH;
    for (String job : List.of(pinned, expiring)) {
      JsonNode view = api.awaitEnd(job);
      assertEquals("failure", view.get("status").asText());
      Instant finished = Instant.parse(view.get("finished").asText());
      ended = finished.isAfter(ended) ? finished : ended;
    }
    // The retention is one second: both jobs must have ended more than that before the sweep.
    long wait = Duration.between(Instant.now(), ended.plusSeconds(2)).toMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }

    JsonNode report = api.sweep("{\"retention\": {\"failure\": \"1s\"}}");
    JsonNode expire = report.get("expire");
    assertTrue(expire.get("expired").get("failure").asInt() >= 1, report.toPrettyString());
    assertTrue(expire.get("pinned_kept").asInt() >= 1, report.toPrettyString());
    assertEquals(1, expire.get("retention_seconds").get("failure").asInt());
    // The sweep ran on a worker: an API that kept the ended job's view reads it again after its keeping time
    // (REPRISE_READS_ENDED_KEEP_SECONDS, 5 s on this instance), and then answers 404.
    Instant gone = Instant.now().plusSeconds(30);
    while (api.exchange(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + expiring)).GET().build())
        .statusCode() != 404) {
      assertTrue(Instant.now().isBefore(gone), "job " + expiring + " is still served 30 s after the sweep expired it");
      Thread.sleep(250);
    }
    assertTrue(store.list(StoreKeys.jobPrefix(expiring)).isEmpty());
    assertEquals("failure", get(api, "/api/v1/job/" + pinned, 200).get("status").asText());

    delete(audrey, "/api/v1/job/" + pinned + "/pin", 200);
    assertFalse(get(api, "/api/v1/job/" + pinned + "/pin", 200).get("pinned").asBoolean());
    delete(api, "/api/v1/job/" + pinned, 202);
  }
}
