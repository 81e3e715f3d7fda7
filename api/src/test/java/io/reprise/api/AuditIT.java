package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.reprise.activities.Compendia;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Audit campaigns end to end: real jobs re-run as child workflows by the real workers, outputs compared. */
class AuditIT {

  private static final String DOCKERFILE = "FROM reprise/busybox\nCOPY run.sh /run.sh\nCMD [\"sh\", \"/run.sh\"]\n";

  private final ApiClient api = new ApiClient();

  private static Map<String, String> deterministic(String answer) {
    return Map.of("Dockerfile", DOCKERFILE,
        "run.sh", "mkdir -p results && echo 'the answer is " + answer + "' > results/answer.txt\n");
  }

  private static Map<String, JsonNode> byJob(JsonNode audit) {
    Map<String, JsonNode> jobs = new HashMap<>();
    audit.get("jobs").forEach(job -> jobs.put(job.get("job_id").asText(), job));
    return jobs;
  }

  @Test
  void auditOfFiveJobsWithOneNonDeterministicReportsFourOfFive() throws Exception {
    List<String> originals = new ArrayList<>();
    for (String answer : List.of("1", "2", "3", "4")) {
      originals.add(api.run(Compendia.zip(deterministic(answer))));
    }
    String random = api.run(Compendia.zip(Map.of("Dockerfile", DOCKERFILE,
        "run.sh", "mkdir -p results\necho stable > results/stable.txt\n"
            + "head -c 8 /dev/urandom | od -An -tx1 > results/random.txt\n")));
    originals.add(2, random);
    for (String job : originals) {
      assertEquals("success", api.awaitEnd(job).get("status").asText());
    }

    JsonNode started = api.startAudit("{\"job_ids\": [\"" + String.join("\", \"", originals)
        + "\"], \"parallelism\": 2, \"user\": \"auditor\"}", 201);
    String auditId = started.get("audit_id").asText();
    JsonNode first = api.audit(auditId);
    JsonNode audit = api.awaitAudit(auditId, Duration.ofMinutes(5));

    assertEquals(5, started.get("jobs").asInt());
    assertEquals(5, first.get("progress").get("total").asInt(), "the audit shows from the moment it starts");
    assertEquals("done", audit.get("status").asText(), audit.toPrettyString());
    assertEquals("4/5 reproduced", audit.get("result").asText());
    assertEquals(0.8, audit.get("reproducibility_rate").asDouble());
    // 4 of 5: the Wilson 95% interval is 0.376 to 0.964, however sure the rate looks.
    assertEquals(0.3755, audit.get("reproducibility_interval").get("low").asDouble(), 1e-4);
    assertEquals(0.9638, audit.get("reproducibility_interval").get("high").asDouble(), 1e-4);
    assertEquals(5, audit.get("audited").asInt());
    assertEquals(4, audit.get("reproduced").asInt());
    assertEquals(5, audit.get("progress").get("ended").asInt());
    assertEquals("auditor", audit.get("user").asText());
    List<String> order = new ArrayList<>();
    audit.get("jobs").forEach(job -> order.add(job.get("job_id").asText()));
    assertEquals(originals, order, "jobs are reported in the order asked");

    Map<String, JsonNode> jobs = byJob(audit);
    JsonNode flagged = jobs.get(random);
    assertEquals("not_reproduced", flagged.get("verdict").asText(), flagged.toPrettyString());
    assertEquals("results/random.txt (different)", flagged.get("mismatches").get(0).asText());
    assertEquals(1, flagged.get("mismatches").size(), "the stable output reproduced");
    JsonNode comparison = api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + flagged.get("compare")
        .asText())).GET().build(), 200);
    assertFalse(comparison.get("reproduced").asBoolean());
    assertTrue(comparison.toString().contains("--- a/results/random.txt"), "the compare link has the diff");

    long saved = 0;
    for (String original : originals) {
      JsonNode job = jobs.get(original);
      saved += job.get("reused_bytes").asLong();
      JsonNode rerun = api.view(job.get("rerun_job_id").asText());
      assertEquals(original, rerun.get("rerun_of").asText());
      assertEquals(api.view(original).get("image_id").asText(), rerun.get("image_id").asText());
      assertTrue(rerun.get("steps").get("compile").get("text").asText().startsWith("reused the recorded image"),
          "an audit re-runs the recorded image without building");
      if (!original.equals(random)) {
        assertEquals("reproduced", job.get("verdict").asText(), job.toPrettyString());
        assertEquals(0, rerun.get("storage").get("new_bytes").asLong(),
            "a re-run with identical files adds no bytes: " + rerun.get("storage"));
        assertEquals(rerun.get("storage").get("bytes").asLong(), job.get("reused_bytes").asLong());
      }
    }
    assertTrue(saved > 0);
    assertEquals(saved, audit.get("storage").get("bytes_saved").asLong());
    assertTrue(jobs.get(random).get("new_bytes").asLong() > 0, "the random output is new bytes");
  }

  @Test
  void auditTakesTheJobListFiltersAndSkipsJobsWithoutOutputs() throws Exception {
    String compendium = api.uploadCompendium(Compendia.zip(deterministic("filtered")));
    String a = api.startJob(compendium);
    String b = api.startJob(compendium);
    String broken = api.uploadCompendium(Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\nRUN exit 3\n")));
    String failed = api.startJob(broken);
    for (String job : List.of(a, b, failed)) {
      api.awaitEnd(job);
    }

    JsonNode started = api.startAudit("{\"filter\": {\"compendium_id\": [\"" + compendium + "\", \"" + broken
        + "\"]}}", 201);
    JsonNode audit = api.awaitAudit(started.get("audit_id").asText(), Duration.ofMinutes(3));

    assertEquals(3, started.get("jobs").asInt(), "every job of the two compendia");
    assertEquals("2/2 reproduced", audit.get("result").asText(), audit.toPrettyString());
    JsonNode skipped = byJob(audit).get(failed);
    assertEquals("skipped", skipped.get("verdict").asText());
    assertTrue(skipped.get("text").asText().contains("status is failure"), skipped.toPrettyString());
    assertFalse(skipped.has("rerun_job_id"));
    assertEquals(Map.of("reproduced", 2, "skipped", 1), Map.of(
        "reproduced", audit.get("verdicts").get("reproduced").asInt(),
        "skipped", audit.get("verdicts").get("skipped").asInt()));
    JsonNode listed = api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/audit")).GET().build(),
        200);
    assertTrue(listed.get("results").toString().contains(started.get("audit_id").asText()));
  }

  @Test
  void badAuditRequestsAreRefusedWithTheReason() throws Exception {
    String job = api.run(Compendia.zip(deterministic("x")));
    api.awaitEnd(job);

    assertTrue(api.startAudit("{\"job_ids\": [\"zzzzzzzzzzzz\"]}", 404).get("error").asText()
        .contains("no job with id zzzzzzzzzzzz"));
    assertTrue(api.startAudit("{}", 400).get("error").asText().startsWith("give either job_ids"));
    assertTrue(api.startAudit("{\"job_ids\": [\"" + job + "\"], \"parallelism\": 99}", 400).get("error").asText()
        .contains("parallelism must be between 1 and 16"));
    assertTrue(api.startAudit("{\"filter\": {\"compendium_id\": \"nocompendium\"}}", 400).get("error").asText()
        .contains("no job matches the filter"));
    assertTrue(api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/audit/zzzzzzzzzzzz")).GET()
        .build(), 404).get("error").asText().contains("no audit"));
    assertTrue(api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/audit/" + job)).GET()
        .build(), 404).get("error").asText().contains("no audit"), "a job is not an audit");
    String auditId = api.startAudit("{\"job_ids\": [\"" + job + "\"]}", 201).get("audit_id").asText();
    assertTrue(api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + auditId)).GET()
        .build(), 404).get("error").asText().contains("no job"), "an audit is not a job");
    assertEquals("1/1 reproduced", api.awaitAudit(auditId, Duration.ofMinutes(2)).get("result").asText());
    assertTrue(api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/audit/" + auditId + "/cancel"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), 409).get("error").asText().contains("already ended"));
  }

  @Test
  void auditAndItsRunningReRunSurviveTheWorkersRestarting() throws Exception {
    String original = api.run(Compendia.zip(Map.of("Dockerfile", DOCKERFILE, "run.sh", "mkdir -p results\n"
        + "echo start >> results/starts.txt\n"
        + "for i in 1 2 3 4 5 6; do echo tick $i; sleep 1; done\n"
        + "echo done > results/done.txt\n")));
    assertEquals("success", api.awaitEnd(original).get("status").asText());
    String auditId = api.startAudit("{\"job_ids\": [\"" + original + "\"]}", 201).get("audit_id").asText();
    String rerun = null;
    java.time.Instant deadline = java.time.Instant.now().plus(Duration.ofMinutes(1));
    while (rerun == null) {
      JsonNode job = api.audit(auditId).get("jobs").get(0);
      if (job.has("rerun_job_id")) {
        rerun = job.get("rerun_job_id").asText();
      }
      assertTrue(java.time.Instant.now().isBefore(deadline), "the re-run did not start: " + job);
      if (rerun == null) {
        Thread.sleep(250);
      }
    }
    api.awaitView(rerun, view -> view.get("steps").get("execute").get("text").asText().contains("tick 1"),
        Duration.ofMinutes(1), "the re-run's program running");

    api.restartWorkers();
    JsonNode audit = api.awaitAudit(auditId, Duration.ofMinutes(3));

    assertEquals("1/1 reproduced", audit.get("result").asText(), audit.toPrettyString());
    assertEquals("start\n", api.data(rerun, "work/results/starts.txt"),
        "the program ran once: the new worker waited for the container the old one had started");
    assertTrue(api.view(rerun).get("steps").get("execute").get("text").asText().contains("tick 6"));
  }
}
