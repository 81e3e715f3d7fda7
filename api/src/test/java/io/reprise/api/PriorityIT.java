package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.reprise.activities.Compendia;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Priorities on the real stack: a job, a re-run and an audit take one, the views and the list show it, an audit's
 * re-runs inherit it from Temporal, and a priority outside 1 to 5 is a 400 that names the range.
 */
class PriorityIT {

  private final ApiClient api = new ApiClient();
  private static final String QUICK = "FROM reprise/busybox\nCMD [\"true\"]\n";

  private JsonNode post(String path, String form, int expectedStatus) throws Exception {
    return api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), expectedStatus);
  }

  private JsonNode get(String pathAndQuery) throws Exception {
    return api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + pathAndQuery)).GET().build(), 200);
  }

  @Test
  void jobsAndReRunsRunWithTheirPriorityWhichViewsAndTheListShow() throws Exception {
    String user = "prio-" + UUID.randomUUID().toString().substring(0, 8);
    String compendium = api.uploadCompendium(Compendia.zip(Map.of("Dockerfile", QUICK)));

    String urgent = post("/api/v1/job", "compendium_id=" + compendium + "&user=" + user + "&priority=2", 201)
        .get("job_id").asText();
    String plain = api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"compendium_id\": \"" + compendium + "\", \"user\": \"" + user + "\"}")).build(), 201)
        .get("job_id").asText();

    assertEquals(2, api.view(urgent).get("priority").asInt());
    assertEquals(3, api.view(plain).get("priority").asInt(), "an operator's default");
    JsonNode listed = get("/api/v1/job?user=" + user + "&fields=priority");
    for (JsonNode item : listed.get("results")) {
      assertEquals(item.get("id").asText().equals(urgent) ? 2 : 3, item.get("priority").asInt());
    }
    assertEquals(2, listed.get("results").size());

    assertEquals("success", api.awaitEnd(urgent).get("status").asText());
    String rerun = post("/api/v1/job/" + urgent + "/rerun", "priority=5", 201).get("job_id").asText();
    assertEquals(5, api.view(rerun).get("priority").asInt());
    api.awaitEnd(rerun);
    api.awaitEnd(plain);
  }

  @Test
  void anAuditsReRunsInheritItsPriority() throws Exception {
    String job = api.run(Compendia.zip(Map.of("Dockerfile", QUICK)));
    assertEquals("success", api.awaitEnd(job).get("status").asText());

    String auditId = api.startAudit("{\"job_ids\": [\"" + job + "\"], \"priority\": 4}", 201).get("audit_id")
        .asText();
    JsonNode audit = api.awaitAudit(auditId, Duration.ofMinutes(3));

    assertEquals(4, audit.get("priority").asInt());
    String rerun = audit.get("jobs").get(0).get("rerun_job_id").asText();
    // The audit sets no priority on its child workflows: Temporal hands them the audit's.
    assertEquals(4, api.view(rerun).get("priority").asInt());
  }

  @Test
  void aPriorityOutsideOneToFiveIsA400ThatSaysTheRange() throws Exception {
    String compendium = api.uploadCompendium(Compendia.zip(Map.of("Dockerfile", QUICK)));
    for (String priority : new String[] {"0", "6", "-1"}) {
      assertEquals("priority must be from 1 (first) to 5 (last), not " + priority,
          post("/api/v1/job", "compendium_id=" + compendium + "&priority=" + priority, 400).get("error").asText());
    }
    assertEquals("priority must be a whole number from 1 (first) to 5 (last)",
        post("/api/v1/job", "compendium_id=" + compendium + "&priority=urgent", 400).get("error").asText());
    assertEquals("priority must be from 1 (first) to 5 (last), not 9",
        api.startAudit("{\"job_ids\": [\"aaaaaaaaaaaa\"], \"priority\": 9}", 400).get("error").asText());
  }

  @Test
  void eachRoleAsksAtMostItsHighestPriorityAndGetsItsDefault() throws Exception {
    String user = "prio-" + UUID.randomUUID().toString().substring(0, 8);
    ApiClient submitter = ApiClient.as(user, "submitter");
    ApiClient auditor = ApiClient.as(user + "-a", "auditor");
    String compendium = submitter.uploadCompendium(Compendia.zip(Map.of("Dockerfile", QUICK)));

    assertEquals("priority 2 is above the highest a submitter may ask for (3)", submitter.send(HttpRequest
        .newBuilder(URI.create(ApiClient.BASE + "/api/v1/job")).header("Content-Type",
            "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("compendium_id="
            + compendium + "&priority=2")).build(), 400).get("error").asText());
    String job = submitter.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("compendium_id=" + compendium)).build(), 201)
        .get("job_id").asText();
    assertEquals(3, submitter.view(job).get("priority").asInt(), "a submitter's default");
    assertEquals("success", submitter.awaitEnd(job).get("status").asText());

    assertEquals("priority 1 is above the highest an auditor may ask for (2)",
        auditor.startAudit("{\"job_ids\": [\"" + job + "\"], \"priority\": 1}", 400).get("error").asText());
    String auditId = auditor.startAudit("{\"job_ids\": [\"" + job + "\"]}", 201).get("audit_id").asText();
    JsonNode audit = auditor.awaitAudit(auditId, Duration.ofMinutes(3));
    assertEquals(4, audit.get("priority").asInt(), "an auditor's campaigns default to 4, behind submitters' jobs");
    assertEquals(4, auditor.view(audit.get("jobs").get(0).get("rerun_job_id").asText()).get("priority").asInt());
  }
}
