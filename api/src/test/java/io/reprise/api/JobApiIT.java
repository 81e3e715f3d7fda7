package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.reprise.activities.Compendia;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The REST API for clients and operators, end to end: listing, filters, paging, files, logs, history. */
class JobApiIT {

  private final ApiClient api = new ApiClient();
  private static final String FAILS_FAST = "FROM reprise/busybox\nCOPY missing.txt /missing.txt\n";

  private JsonNode get(String pathAndQuery, int expectedStatus) throws Exception {
    return api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + pathAndQuery)).GET().build(), expectedStatus);
  }

  private String startAs(String compendiumId, String user) throws Exception {
    return api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"compendium_id\": \"" + compendiumId + "\", \"user\": \""
            + user + "\"}")).build(), 201).get("job_id").asText();
  }

  /** Follows next links from the first page, collecting the ids in the order they come. */
  private List<String> pageThrough(String firstPage, Runnable afterFirstPage) throws Exception {
    List<String> seen = new ArrayList<>();
    String next = firstPage;
    boolean first = true;
    while (next != null) {
      JsonNode page = get(next, 200);
      page.get("results").forEach(item -> seen.add(item.get("id").asText()));
      next = page.hasNonNull("next") ? page.get("next").asText() : null;
      if (first) {
        assertFalse(page.has("previous"), "the first page has no previous link");
        afterFirstPage.run();
        first = false;
      } else {
        assertTrue(page.has("previous"), "later pages link back");
      }
    }
    return seen;
  }

  @Test
  void pagingVisitsEveryJobOnceWhileNewJobsArrive() throws Exception {
    String user = "lister-" + UUID.randomUUID().toString().substring(0, 8);
    // The build fails at its first step (a COPY of a file the compendium lacks) without starting a container, so
    // two hundred jobs end within seconds. A missing base image no longer gets that far: the upload refuses it.
    String compendiumId = api.uploadCompendium(Compendia.zip(Map.of("Dockerfile", FAILS_FAST)));
    Set<String> started = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      started.add(startAs(compendiumId, user));
    }
    for (String job : started) {
      api.awaitEnd(job);
    }
    String query = "/api/v1/job?user=" + user + "&status=failure&limit=23&fields=status,%20,created";
    // Visibility follows the workflows closely but not in the same transaction: wait until it lists them all.
    Instant deadline = Instant.now().plusSeconds(60);
    while (get("/api/v1/job?user=" + user + "&status=failure&limit=1000", 200).get("results").size() < 200) {
      assertTrue(Instant.now().isBefore(deadline), "visibility did not list the two hundred jobs");
      Thread.sleep(250);
    }
    List<String> arrivals = new ArrayList<>();

    List<String> seen = pageThrough(query, () -> {
      try {
        for (int i = 0; i < 5; i++) {
          arrivals.add(startAs(compendiumId, user));
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    assertEquals(200, seen.size(), "each job once: " + seen);
    assertEquals(started, new HashSet<>(seen));
    for (String arrival : arrivals) {
      assertFalse(seen.contains(arrival), "a job started while paging does not shift the pages");
      api.awaitEnd(arrival);
    }
  }

  @Test
  void filtersNarrowTheListAndBadParametersAreRefused() throws Exception {
    String user = "filter-" + UUID.randomUUID().toString().substring(0, 8);
    String good = api.uploadCompendium(Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\nCMD [\"true\"]\n")));
    String bad = api.uploadCompendium(Compendia.zip(Map.of("Dockerfile", FAILS_FAST)));
    String succeeded = startAs(good, user);
    String failed = startAs(bad, user);
    api.awaitEnd(succeeded);
    api.awaitEnd(failed);
    Instant deadline = Instant.now().plusSeconds(60);
    while (get("/api/v1/job?user=" + user + "&status=success", 200).get("results").size() < 1
        || get("/api/v1/job?user=" + user + "&status=failure", 200).get("results").size() < 1) {
      assertTrue(Instant.now().isBefore(deadline), "visibility did not catch up");
      Thread.sleep(250);
    }

    assertEquals(List.of(succeeded), ids(get("/api/v1/job?user=" + user + "&status=success", 200)));
    assertEquals(List.of(failed), ids(get("/api/v1/job?user=" + user + "&status=failure", 200)));
    assertEquals(Set.of(succeeded, failed),
        new HashSet<>(ids(get("/api/v1/job?compendium_id=" + good + ",%20" + bad + ",&user=" + user, 200))));
    assertEquals(List.of(succeeded), ids(get("/api/v1/compendium/" + good + "/jobs", 200)));
    JsonNode withFields = get("/api/v1/job?user=" + user + "&status=failure&fields=user,compendium_id", 200);
    assertEquals(user, withFields.get("results").get(0).get("user").asText());
    assertEquals(bad, withFields.get("results").get(0).get("compendium_id").asText());
    assertEquals(0, get("/api/v1/job?user=" + user + "&status=running", 200).get("results").size());

    assertTrue(get("/api/v1/job?status=done", 400).get("error").asText().contains("status"));
    assertTrue(get("/api/v1/job?fields=status,colour", 400).get("error").asText().contains("colour"));
    assertTrue(get("/api/v1/job?limit=1001", 400).get("error").asText().contains("limit"));
    assertTrue(get("/api/v1/job?limit=ten", 400).get("error").asText().contains("limit"));
    assertTrue(get("/api/v1/job?start=0", 400).get("error").asText().contains("start"));
    assertTrue(get("/api/v1/job?cursor=%25%25", 400).get("error").asText().contains("cursor"));
    assertTrue(get("/api/v1/job?compendium_id=x';DROP", 400).get("error").asText().contains("compendium_id"));
    assertTrue(get("/api/v1/compendium/zzzzzzzzzzzz/jobs", 404).get("error").asText().contains("no compendium"));
  }

  @Test
  void finishedJobServesFilesWithRangesLogsAndHistory() throws Exception {
    String compendiumId = api.uploadCompendium(Compendia.helloAnalysis());
    String job = api.startJob(compendiumId);
    assertEquals("success", api.awaitEnd(job).get("status").asText());
    URI result = URI.create(ApiClient.BASE + "/api/v1/job/" + job + "/data/work/results/summary.txt");

    HttpResponse<String> whole = api.exchange(HttpRequest.newBuilder(result).build());
    HttpResponse<String> part = api.exchange(HttpRequest.newBuilder(result).header("Range", "bytes=0-15").build());
    HttpResponse<String> tail = api.exchange(HttpRequest.newBuilder(result).header("Range", "bytes=-8").build());
    HttpResponse<String> past = api.exchange(HttpRequest.newBuilder(result).header("Range", "bytes=9999-")
        .build());

    assertEquals(200, whole.statusCode());
    assertTrue(whole.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    assertEquals(206, part.statusCode());
    assertEquals("measurements: 7\n", part.body());
    assertEquals("bytes 0-15/" + whole.body().length(), part.headers().firstValue("Content-Range").orElse(""));
    assertEquals(whole.body().substring(whole.body().length() - 8), tail.body());
    assertEquals(416, past.statusCode());
    assertEquals(404, api.exchange(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + job
        + "/data/work/nothing.txt")).build()).statusCode());

    String logs = api.exchange(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + job + "/logs"))
        .build()).body();
    assertTrue(logs.contains("== execute: success"), logs);
    assertTrue(logs.contains("read 7 rows; wrote results/summary.txt"), logs);
    assertTrue(logs.indexOf("== validate") < logs.indexOf("== compile"), logs);

    JsonNode history = get("/api/v1/job/" + job + "/history", 200);
    assertEquals("EVENT_TYPE_WORKFLOW_EXECUTION_STARTED", history.get("events").get(0).get("eventType").asText());
    assertTrue(history.get("events").size() > 20, "a whole job's history");
    get("/api/v1/job/zzzzzzzzzzzz/history", 404);

    JsonNode viewWithSlash = get("/api/v1/job/" + job + "/", 200);
    assertEquals(job, viewWithSlash.get("id").asText());

    JsonNode all = get("/api/v1/job/" + job + "?steps=all", 200).get("steps");
    assertTrue(all.get("compile").get("text").asText().startsWith("Step 1/4 : FROM reprise/python"),
        "the whole build log, from its first line");
    assertTrue(all.get("compile").get("details").get("image_id").asText().startsWith("sha256:"));
    assertEquals(0, all.get("execute").get("details").get("exit_code").asInt());
    assertTrue(all.get("cleanup").get("details").get("manifest").asText().endsWith("/manifest.json"));
    assertTrue(get("/api/v1/job/" + job + "?steps=some", 400).get("error").asText().contains("steps"));
  }

  @Test
  void followingLogsStreamsStepChangesAndLinesUntilTheJobEnds() throws Exception {
    String job = api.run(Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\nCOPY run.sh /run.sh\n"
        + "CMD [\"sh\", \"/run.sh\"]\n", "run.sh", "for i in 1 2 3; do echo line $i; sleep 1; done\n")));
    HttpResponse<java.util.stream.Stream<String>> stream = HttpClient.newHttpClient().send(
        api.authorized(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + job
            + "/logs?follow=true")).timeout(Duration.ofMinutes(2)).build()),
        HttpResponse.BodyHandlers.ofLines());

    List<String> lines = stream.body().toList();

    assertEquals(200, stream.statusCode());
    assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    String all = String.join("\n", lines);
    assertTrue(all.contains("data:{\"step\":\"execute\",\"status\":\"running\"}")
        || all.contains("data:{\"status\":\"running\",\"step\":\"execute\"}"), all);
    for (int i = 1; i <= 3; i++) {
      assertEquals(1, lines.stream().filter(("data:execute: line " + i)::equals).count(), "line " + i + " once");
    }
    int end = lines.indexOf("event:end");
    assertTrue(end > 0, all);
    assertTrue(lines.get(end + 1).contains("\"success\""), all);
  }

  @Test
  void healthReportsTemporalMinioAndDocker() throws Exception {
    JsonNode health = get("/api/v1/health", 200);

    assertEquals("up", health.get("temporal").asText());
    assertEquals("up", health.get("minio").asText());
    assertEquals("up", health.get("docker").asText());
    // Issue 11: health says whether a worker polls the instance's queue, and when one last did.
    assertEquals("up", health.get("workers").asText(), health.toPrettyString());
    assertTrue(health.get("details").get("workers").get("pollers").asInt() >= 1, health.toPrettyString());
    assertTrue(health.get("details").get("workers").hasNonNull("last_poll"), health.toPrettyString());
  }

  @Test
  void idempotencyKeyAnswersTheSameJobAndRefusesAnotherCompendium() throws Exception {
    String compendiumId = api.uploadCompendium(Compendia.zip(Map.of("Dockerfile", FAILS_FAST)));
    String other = api.uploadCompendium(Compendia.zip(Map.of("Dockerfile", FAILS_FAST + "# another\n")));
    String key = "retry-" + UUID.randomUUID();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Idempotency-Key", key);

    String first = api.send(request.POST(HttpRequest.BodyPublishers.ofString("compendium_id=" + compendiumId))
        .build(), 201).get("job_id").asText();
    String again = api.send(request.POST(HttpRequest.BodyPublishers.ofString("compendium_id=" + compendiumId))
        .build(), 201).get("job_id").asText();
    JsonNode conflict = api.send(request.POST(HttpRequest.BodyPublishers.ofString("compendium_id=" + other))
        .build(), 409);
    String unkeyed = api.startJob(compendiumId);

    assertEquals(first, again);
    assertTrue(conflict.get("error").asText().contains("Idempotency-Key"));
    assertNotEquals(first, unkeyed);
    api.awaitEnd(first);
    api.awaitEnd(unkeyed);
  }

  @Test
  void compendiumShowsItsFilesAndContentHashAndUnsafeArchivesAreRefused() throws Exception {
    String id = api.uploadCompendium(Compendia.helloAnalysis());

    JsonNode compendium = get("/api/v1/compendium/" + id, 200);

    assertEquals(id, compendium.get("id").asText());
    assertTrue(compendium.get("content_hash").asText().matches("sha256:[0-9a-f]{64}"));
    List<String> paths = new ArrayList<>();
    compendium.get("files").forEach(f -> paths.add(f.get("path").asText()));
    assertEquals(List.of("Dockerfile", "analysis.py", "data/measurements.csv"), paths);
    assertTrue(compendium.get("files").get(0).get("sha256").asText().matches("[0-9a-f]{64}"));
    assertNotNullCreated(compendium);
    String again = api.uploadCompendium(Compendia.helloAnalysis());
    assertEquals(compendium.get("content_hash"), get("/api/v1/compendium/" + again, 200).get("content_hash"),
        "the same content has the same hash");
    get("/api/v1/compendium/zzzzzzzzzzzz", 404);

    byte[] escaping = Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\n", "../escape.txt", "x"));
    JsonNode refused = api.upload(escaping, 400);
    assertTrue(refused.get("error").asText().contains("outside the compendium folder"));
  }

  @Test
  void uploadsThatAreTooLargeOrNoArchivesAreRefused() throws Exception {
    JsonNode tooLarge = api.upload(new byte[3 * 1024 * 1024], 413);
    JsonNode notAnArchive = api.upload("just some text".getBytes(), 415);
    JsonNode empty = api.upload(new byte[0], 400);

    assertTrue(tooLarge.get("error").asText().contains("larger than this server accepts"));
    assertTrue(notAnArchive.get("error").asText().contains("zip or tar.gz"));
    assertTrue(empty.get("error").asText().contains("empty"));
  }

  @Test
  void uploadsThatCouldNotRunAreRefusedWithEveryProblemNamed() throws Exception {
    JsonNode emptyZip = api.upload(Compendia.zip(Map.of()), 400);
    JsonNode noBaseImage = api.upload(Compendia.zip(Map.of("Dockerfile", "FROM nowhere/nothing\n")), 400);
    JsonNode twoProblems = api.upload(Compendia.zip(Map.of("run.sh", "true\n", "reprise.yml", "colour: x\n")), 400);

    assertTrue(emptyZip.get("error").asText().contains("holds no files"));
    // The stack's workers publish their engine's base images; reprise/busybox is one, nowhere/nothing is not.
    assertTrue(noBaseImage.get("error").asText().contains("nowhere/nothing"));
    assertTrue(noBaseImage.get("error").asText().contains("reprise/busybox"));
    assertTrue(twoProblems.get("error").asText().contains("no Dockerfile"));
    assertTrue(twoProblems.get("error").asText().contains("unknown key 'colour'"));
  }

  private static void assertNotNullCreated(JsonNode compendium) {
    Instant created = Instant.parse(compendium.get("created").asText());
    assertTrue(created.isBefore(Instant.now().plus(Duration.ofMinutes(1))));
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("results").forEach(item -> ids.add(item.isTextual() ? item.asText() : item.get("id").asText()));
    return ids;
  }
}
