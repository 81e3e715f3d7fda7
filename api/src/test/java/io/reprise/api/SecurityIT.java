package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.Compendia;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each role against each kind of route, with Reprise tokens on the real stack: who gets 401, 403 and 404, who may
 * act on whose jobs, who is recorded as having done it, revocation, and the throttle on wrong tokens. (JWTs from an
 * identity provider are OidcIT's.) Every cell of the README's roles matrix that denies is asserted here.
 */
class SecurityIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FENCE = "FROM reprise/busybox\nCOPY run.sh /run.sh\nCMD [\"sh\", \"/run.sh\"]\n";
  private static final String UNKNOWN_JOB = "zzzzzzzzzzzz";

  private static final ApiClient operator = new ApiClient();
  private static ApiClient alice;
  private static ApiClient bob;
  private static ApiClient carol;
  private static final ApiClient anonymous = ApiClient.withToken(null);

  private static String aliceCompendium;
  private static String bobCompendium;
  private static String aliceJob;
  private static String bobJob;

  @BeforeAll
  static void twoSubmittersWithAnEndedJobEachAndAnAuditor() throws Exception {
    alice = ApiClient.as("alice", "submitter");
    bob = ApiClient.as("bob", "submitter");
    carol = ApiClient.as("carol", "auditor");
    aliceCompendium = alice.uploadCompendium(program("echo alice > out.txt\n"));
    bobCompendium = bob.uploadCompendium(program("echo bob > out.txt\n"));
    aliceJob = start(alice, aliceCompendium, null, 201).get("job_id").asText();
    bobJob = start(bob, bobCompendium, null, 201).get("job_id").asText();
    assertEquals("success", operator.awaitEnd(aliceJob).get("status").asText());
    assertEquals("success", operator.awaitEnd(bobJob).get("status").asText());
  }

  private static byte[] program(String script) {
    return Compendia.zip(Map.of("Dockerfile", FENCE, "run.sh", script));
  }

  private static JsonNode start(ApiClient client, String compendium, String user, int status) throws Exception {
    String body = user == null ? "{\"compendium_id\": \"" + compendium + "\"}"
        : "{\"compendium_id\": \"" + compendium + "\", \"user\": \"" + user + "\"}";
    return client.send(json("POST", "/api/v1/job", body), status);
  }

  private static HttpRequest request(String method, String path) {
    return HttpRequest.newBuilder(URI.create(ApiClient.BASE + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
  }

  private static HttpRequest json(String method, String path, String body) {
    return HttpRequest.newBuilder(URI.create(ApiClient.BASE + path)).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static String error(HttpResponse<String> response) throws Exception {
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        response.headers().toString());
    return JSON.readTree(response.body()).get("error").asText();
  }

  /** The routes of every kind, as (method, path, JSON body or null). */
  private static List<String[]> everyRoute(String audit) {
    return List.of(
        new String[] {"POST", "/api/v1/compendium", null},
        new String[] {"GET", "/api/v1/compendium/" + aliceCompendium, null},
        new String[] {"GET", "/api/v1/compendium/" + aliceCompendium + "/jobs", null},
        new String[] {"POST", "/api/v1/job", "{\"compendium_id\": \"" + aliceCompendium + "\"}"},
        new String[] {"GET", "/api/v1/job", null},
        new String[] {"GET", "/api/v1/job/" + aliceJob, null},
        new String[] {"GET", "/api/v1/job/" + aliceJob + "/logs", null},
        new String[] {"GET", "/api/v1/job/" + aliceJob + "/logs?follow=true", null},
        new String[] {"GET", "/api/v1/job/" + aliceJob + "/data/work/out.txt", null},
        new String[] {"POST", "/api/v1/job/" + aliceJob + "/cancel", null},
        new String[] {"POST", "/api/v1/job/" + aliceJob + "/rerun", null},
        new String[] {"GET", "/api/v1/job/" + aliceJob + "/compare/" + bobJob, null},
        new String[] {"GET", "/api/v1/job/" + aliceJob + "/history", null},
        new String[] {"POST", "/api/v1/audit", "{\"job_ids\": [\"" + aliceJob + "\"]}"},
        new String[] {"GET", "/api/v1/audit", null},
        new String[] {"GET", "/api/v1/audit/" + audit, null},
        new String[] {"POST", "/api/v1/audit/" + audit + "/cancel", null},
        new String[] {"POST", "/api/v1/tokens", "{\"user\": \"x\", \"role\": \"operator\"}"},
        new String[] {"GET", "/api/v1/tokens", null},
        new String[] {"DELETE", "/api/v1/tokens/0123456789ab", null},
        new String[] {"GET", "/api/v1/whoami", null},
        new String[] {"GET", "/actuator/prometheus", null});
  }

  private static HttpRequest route(String[] route) {
    return route[2] == null ? request(route[0], route[1]) : json(route[0], route[1], route[2]);
  }

  @Test
  void withoutATokenEveryRouteIs401ButHealthAndTheOpenApiDescription() throws Exception {
    for (String[] route : everyRoute("aaaaaaaaaaaa")) {
      HttpResponse<String> response = anonymous.exchange(route(route));
      assertEquals(401, response.statusCode(), route[0] + " " + route[1] + ": " + response.body());
      assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElse(""), route[1]);
      assertTrue(error(response).contains("bearer token"), route[1] + ": " + response.body());
    }
    HttpResponse<String> health = anonymous.exchange(request("GET", "/api/v1/health"));
    assertEquals(200, health.statusCode(), health.body());
    JsonNode open = JSON.readTree(health.body());
    assertEquals(List.of("status"), iterable(open.fieldNames()), "an anonymous caller learns nothing internal");
    assertEquals("up", open.get("status").asText());
    JsonNode full = operator.send(request("GET", "/api/v1/health"), 200);
    assertEquals("up", full.get("temporal").asText());
    assertEquals("up", full.get("minio").asText());
    JsonNode submitterHealth = alice.send(request("GET", "/api/v1/health"), 200);
    assertNull(submitterHealth.get("temporal"), "only operators see the parts");
    assertEquals(200, anonymous.exchange(request("GET", "/v3/api-docs")).statusCode());
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

  @Test
  void aSubmitterMayNotUseTheAuditorsAndOperatorsRoutes() throws Exception {
    String audit = carol.startAudit("{\"job_ids\": [\"" + aliceJob + "\"], \"parallelism\": 1}", 201)
        .get("audit_id").asText();
    List<String> forbidden = List.of("/history", "/api/v1/audit", "/api/v1/tokens", "/actuator/prometheus");
    for (String[] route : everyRoute(audit)) {
      if (forbidden.stream().noneMatch(route[1]::contains)) {
        continue;
      }
      HttpResponse<String> response = alice.exchange(route(route));
      assertEquals(403, response.statusCode(), route[0] + " " + route[1] + ": " + response.body());
      assertEquals("the role submitter may not use this route; see the roles matrix in the README",
          error(response));
    }
    carol.send(request("POST", "/api/v1/audit/" + audit + "/cancel"), 202);
  }

  @Test
  void aSubmitterSeesOnlyTheirOwnJobsAndCompendiaAndAnotherOneIsA404LikeAnUnknownId() throws Exception {
    // Every job route with bob's job, and with an id no job has: the same status and the same message.
    for (String suffix : List.of("", "/logs", "/logs?follow=true", "/data/work/out.txt", "/cancel", "/rerun",
        "/compare/" + aliceJob)) {
      String method = suffix.equals("/cancel") || suffix.equals("/rerun") ? "POST" : "GET";
      HttpResponse<String> others = alice.exchange(request(method, "/api/v1/job/" + bobJob + suffix));
      HttpResponse<String> unknown = alice.exchange(request(method, "/api/v1/job/" + UNKNOWN_JOB + suffix));
      assertEquals(404, others.statusCode(), suffix + ": " + others.body());
      assertEquals(404, unknown.statusCode(), suffix + ": " + unknown.body());
      assertEquals(error(unknown).replace(UNKNOWN_JOB, bobJob), error(others), suffix);
    }
    // Comparing one's own job with another's: the other one is not there.
    HttpResponse<String> compare = alice.exchange(request("GET", "/api/v1/job/" + aliceJob + "/compare/" + bobJob));
    assertEquals(404, compare.statusCode(), compare.body());
    // Compendia: another's is a 404 to read, to list the jobs of, and to start a job on.
    for (String path : List.of("/api/v1/compendium/" + bobCompendium, "/api/v1/compendium/" + bobCompendium
        + "/jobs")) {
      HttpResponse<String> response = alice.exchange(request("GET", path));
      assertEquals(404, response.statusCode(), path + ": " + response.body());
      assertEquals("no compendium with id " + bobCompendium, error(response));
    }
    assertEquals("no compendium with id " + bobCompendium,
        start(alice, bobCompendium, null, 404).get("error").asText());
    JsonNode own = alice.send(request("GET", "/api/v1/compendium/" + aliceCompendium), 200);
    assertEquals("alice", own.get("uploaded_by").asText());
    // The job list holds her jobs only; asking for bob's is refused, not answered empty.
    JsonNode list = alice.send(request("GET", "/api/v1/job?fields=user&limit=1000"), 200);
    List<String> users = new ArrayList<>();
    list.get("results").forEach(item -> users.add(item.get("user").asText()));
    assertFalse(users.isEmpty());
    assertTrue(users.stream().allMatch("alice"::equals), users.toString());
    HttpResponse<String> others = alice.exchange(request("GET", "/api/v1/job?user=bob"));
    assertEquals(403, others.statusCode(), others.body());
    assertTrue(error(others).contains("only their own jobs"), others.body());
    // A submitter cannot start, re-run or audit on behalf of someone else.
    assertTrue(start(alice, aliceCompendium, "bob", 403).get("error").asText().contains("only operators"));
    HttpResponse<String> rerunForBob = alice.exchange(request("POST", "/api/v1/job/" + aliceJob
        + "/rerun?user=bob"));
    assertEquals(403, rerunForBob.statusCode(), rerunForBob.body());
  }

  @Test
  void aSubmitterRunsFollowsCancelsAndReRunsTheirOwnJobsAndIsRecorded() throws Exception {
    String running = start(alice, alice.uploadCompendium(program("while true; do echo tick; sleep 1; done\n")),
        null, 201).get("job_id").asText();
    JsonNode view = alice.view(running);
    assertEquals("alice", view.get("user").asText());
    assertEquals("alice", view.get("submitted_by").asText());
    HttpResponse<String> logs = alice.exchange(request("GET", "/api/v1/job/" + aliceJob + "/logs"));
    assertEquals(200, logs.statusCode(), logs.body());
    assertEquals("alice\n", alice.data(aliceJob, "work/out.txt"));
    // Bob may not cancel it (he cannot see it); carol may see it but not cancel it; alice may.
    assertEquals(404, bob.exchange(request("POST", "/api/v1/job/" + running + "/cancel")).statusCode());
    HttpResponse<String> auditorCancels = carol.exchange(request("POST", "/api/v1/job/" + running + "/cancel"));
    assertEquals(403, auditorCancels.statusCode(), auditorCancels.body());
    assertTrue(error(auditorCancels).contains("only the job's owner or an operator"), auditorCancels.body());
    alice.cancel(running, 202);
    JsonNode cancelled = alice.awaitEnd(running);
    assertEquals("alice", cancelled.get("cancelled_by").asText(), cancelled.toPrettyString());

    String rerun = alice.send(request("POST", "/api/v1/job/" + aliceJob + "/rerun"), 201).get("job_id").asText();
    JsonNode rerunView = alice.view(rerun);
    assertEquals("alice", rerunView.get("user").asText());
    assertEquals("alice", rerunView.get("rerun_by").asText());
    assertEquals(aliceJob, alice.awaitEnd(rerun).get("rerun_of").asText());
    JsonNode compared = alice.send(request("GET", "/api/v1/job/" + aliceJob + "/compare/" + rerun), 200);
    assertTrue(compared.get("reproduced").asBoolean(), compared.toPrettyString());
  }

  @Test
  void anAuditorReadsEverythingReRunsAndAuditsButStartsAndManagesNothingElse() throws Exception {
    // Reads every job and compendium, and lists all jobs.
    assertEquals("bob", carol.view(bobJob).get("user").asText());
    assertEquals("bob", carol.send(request("GET", "/api/v1/compendium/" + bobCompendium), 200)
        .get("uploaded_by").asText());
    JsonNode list = carol.send(request("GET", "/api/v1/job?fields=user&limit=1000"), 200);
    List<String> users = new ArrayList<>();
    list.get("results").forEach(item -> users.add(item.get("user").asText()));
    assertTrue(users.contains("alice") && users.contains("bob"), users.toString());
    // Compares any two jobs.
    JsonNode compared = carol.send(request("GET", "/api/v1/job/" + aliceJob + "/compare/" + bobJob), 200);
    assertFalse(compared.get("reproduced").asBoolean());
    // Re-runs any job; the re-run is hers.
    String rerun = carol.send(request("POST", "/api/v1/job/" + bobJob + "/rerun"), 201).get("job_id").asText();
    JsonNode rerunView = carol.view(rerun);
    assertEquals("carol", rerunView.get("user").asText());
    assertEquals("carol", rerunView.get("submitted_by").asText());
    assertEquals("carol", rerunView.get("rerun_by").asText());
    // Bob cannot see the re-run of his job: it is carol's.
    assertEquals(404, bob.exchange(request("GET", "/api/v1/job/" + rerun)).statusCode());
    // Starts, reads and cancels her audits; the operator's audit she may read but not cancel.
    String audit = carol.startAudit("{\"job_ids\": [\"" + bobJob + "\"], \"parallelism\": 1}", 201)
        .get("audit_id").asText();
    String operators = operator.startAudit("{\"job_ids\": [\"" + aliceJob + "\"], \"parallelism\": 1}", 201)
        .get("audit_id").asText();
    assertEquals("carol", carol.audit(audit).get("user").asText());
    assertEquals("carol", carol.audit(audit).get("started_by").asText());
    assertEquals("it", carol.audit(operators).get("started_by").asText());
    HttpResponse<String> cancelOperators = carol.exchange(request("POST", "/api/v1/audit/" + operators
        + "/cancel"));
    assertEquals(403, cancelOperators.statusCode(), cancelOperators.body());
    carol.send(request("POST", "/api/v1/audit/" + audit + "/cancel"), 202);
    operator.send(request("POST", "/api/v1/audit/" + operators + "/cancel"), 202);
    JsonNode cancelledAudit = carol.awaitAudit(audit, Duration.ofMinutes(3));
    assertEquals("carol", cancelledAudit.get("cancelled_by").asText(), cancelledAudit.toPrettyString());
    operator.awaitAudit(operators, Duration.ofMinutes(3));
    // What she may not: upload, start jobs, cancel another's job, histories, tokens, metrics.
    for (String[] route : everyRoute(audit)) {
      boolean denied = route[0].equals("POST") && (route[1].equals("/api/v1/compendium")
          || route[1].equals("/api/v1/job")) || route[1].contains("/history") || route[1].contains("/tokens")
          || route[1].startsWith("/actuator");
      if (!denied) {
        continue;
      }
      HttpResponse<String> response = carol.exchange(route(route));
      assertEquals(403, response.statusCode(), route[0] + " " + route[1] + ": " + response.body());
      assertEquals("the role auditor may not use this route; see the roles matrix in the README", error(response));
    }
    carol.awaitEnd(rerun);
  }

  @Test
  void whoamiNamesEachCallersUserAndRole() throws Exception {
    for (Object[] caller : new Object[][] {{alice, "alice", "submitter"}, {carol, "carol", "auditor"},
        {operator, "it", "operator"}}) {
      JsonNode me = ((ApiClient) caller[0]).send(request("GET", "/api/v1/whoami"), 200);
      assertEquals(caller[1], me.get("user").asText());
      assertEquals(caller[2], me.get("role").asText());
    }
  }

  @Test
  void idempotencyKeysArePerUser() throws Exception {
    String key = "nightly-" + java.util.UUID.randomUUID();
    HttpRequest.Builder forAlice = HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job"))
        .header("Content-Type", "application/json").header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString("{\"compendium_id\": \"" + aliceCompendium + "\"}"));
    HttpRequest.Builder forBob = HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job"))
        .header("Content-Type", "application/json").header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString("{\"compendium_id\": \"" + bobCompendium + "\"}"));

    String first = alice.send(forAlice.build(), 201).get("job_id").asText();
    String again = alice.send(forAlice.build(), 201).get("job_id").asText();
    String bobs = bob.send(forBob.build(), 201).get("job_id").asText();

    assertEquals(first, again);
    assertNotEquals(first, bobs, "the same key from another user is another job, not a conflict");
    assertEquals("bob", bob.awaitEnd(bobs).get("user").asText());
    alice.awaitEnd(first);
  }

  @Test
  void anOperatorActsOnBehalfOfAUserCancelsAnyJobAndReadsHistories() throws Exception {
    JsonNode started = start(operator, aliceCompendium, "alice", 201);
    String job = started.get("job_id").asText();
    JsonNode view = alice.view(job);
    assertEquals("alice", view.get("user").asText(), "the job is alice's, so she sees it");
    assertEquals("it", view.get("submitted_by").asText(), "and it records who started it");
    String running = start(alice, alice.uploadCompendium(program("while true; do sleep 1; done\n")), null, 201)
        .get("job_id").asText();
    operator.cancel(running, 202);
    assertEquals("it", operator.awaitEnd(running).get("cancelled_by").asText());
    JsonNode history = operator.send(request("GET", "/api/v1/job/" + aliceJob + "/history"), 200);
    assertEquals("EVENT_TYPE_WORKFLOW_EXECUTION_STARTED", history.get("events").get(0).get("eventType").asText());
    operator.awaitEnd(job);
  }

  @Test
  void tokensAreManagedByOperatorsAndARevokedTokenGetsTheSameAnswerAsAnUnknownOne() throws Exception {
    JsonNode minted = operator.send(json("POST", "/api/v1/tokens", "{\"user\": \"dave\", \"role\": \"submitter\"}"),
        201);
    String token = minted.get("token").asText();
    String id = minted.get("id").asText();
    assertTrue(token.matches("rpr_[A-Za-z0-9_-]{43}"), "256 bits, base64url: " + token);
    assertEquals(200, ApiClient.withToken(token).exchange(request("GET", "/api/v1/job")).statusCode());
    JsonNode listed = operator.send(request("GET", "/api/v1/tokens"), 200);
    JsonNode dave = null;
    for (JsonNode entry : listed.get("results")) {
      assertFalse(entry.toString().contains("rpr_"), "a listing never shows a token: " + entry);
      assertNull(entry.get("sha256"), "nor its hash");
      if (entry.get("id").asText().equals(id)) {
        dave = entry;
      }
    }
    assertEquals("dave", dave.get("user").asText());
    assertEquals("submitter", dave.get("role").asText());
    assertEquals("it", dave.get("created_by").asText());
    assertEquals(400, operator.exchange(json("POST", "/api/v1/tokens", "{\"user\": \"x\", \"role\": \"boss\"}"))
        .statusCode());
    assertEquals(404, operator.exchange(request("DELETE", "/api/v1/tokens/0123456789ab")).statusCode());

    // Revoked on this API instance: refused at once, exactly as a token that never existed.
    assertEquals("it", operator.send(request("DELETE", "/api/v1/tokens/" + id), 200).get("revoked_by").asText());
    RawHttp.Answer revoked = RawHttp.get("127.0.0.3", "/api/v1/job", "Bearer " + token);
    RawHttp.Answer unknown = RawHttp.get("127.0.0.3", "/api/v1/job", "Bearer rpr_" + "A".repeat(43));
    RawHttp.Answer notReprise = RawHttp.get("127.0.0.3", "/api/v1/job", "Bearer not-a-token");
    for (RawHttp.Answer answer : List.of(revoked, unknown, notReprise)) {
      assertEquals(401, answer.status(), answer.body());
      assertEquals("Bearer error=\"invalid_token\"", answer.header("WWW-Authenticate"));
      assertEquals("{\"error\":\"the bearer token is not valid\"}", answer.body());
    }

    // Revoked from the shell, while the API has the token cached: refused within the cache's 5 seconds.
    String shellToken = ApiClient.mint("erin", "auditor");
    assertEquals(200, RawHttp.get("127.0.0.4", "/api/v1/job", "Bearer " + shellToken).status());
    String shellId = null;
    for (String line : ApiClient.service("token", "list")) {
      if (line.contains(" erin ")) {
        shellId = line.split("\\s+")[0];
      }
    }
    ApiClient.service("token", "revoke", shellId);
    Instant revokedAt = Instant.now();
    int status;
    do {
      status = RawHttp.get("127.0.0.4", "/api/v1/job", "Bearer " + shellToken).status();
      assertTrue(Duration.between(revokedAt, Instant.now()).toSeconds() < 10,
          "a token revoked from the shell is still accepted after 10 s");
      if (status == 200) {
        Thread.sleep(250);
      }
    } while (status == 200);
    assertEquals(401, status);
  }

  @Test
  void repeatedWrongTokensFromOneAddressAreSlowedDown() throws Exception {
    String address = "127.0.0.2";
    for (int i = 1; i <= 10; i++) {
      RawHttp.Answer answer = RawHttp.get(address, "/api/v1/job", "Bearer rpr_" + ("guess" + i + "x".repeat(43))
          .substring(0, 43));
      assertEquals(401, answer.status(), "guess " + i + ": " + answer.body());
    }
    RawHttp.Answer slowed = RawHttp.get(address, "/api/v1/job", "Bearer rpr_" + "B".repeat(43));
    assertEquals(429, slowed.status(), slowed.body());
    int retryAfter = Integer.parseInt(slowed.header("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    assertTrue(JSON.readTree(slowed.body()).get("error").asText().contains("too many wrong tokens"));
    // A good token from that address passes: behind a reverse proxy every client shares the guesser's address.
    assertEquals(200, RawHttp.get(address, "/api/v1/job", "Bearer " + operator.token()).status());
    assertEquals(429, RawHttp.get(address, "/api/v1/job", "Bearer rpr_" + "C".repeat(43)).status());
    // Other clients are not affected, nor are requests without a token (health).
    assertEquals(200, RawHttp.get("127.0.0.5", "/api/v1/job", "Bearer " + operator.token()).status());
    assertEquals(200, RawHttp.get(address, "/api/v1/health", null).status());
    assertNotEquals(0, retryAfter);
  }
}
