package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.reprise.activities.Compendia;
import io.reprise.activities.TestStack;
import io.reprise.workflows.jobs.JobSearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The job list's order and paging guarantees, and the instance's own Temporal namespace: newest first by creation,
 * every job once while jobs start and end, and nothing of another namespace.
 */
class JobListOrderIT {

  private static final String FAILS_FAST = "FROM reprise/busybox\nCOPY missing.txt /missing.txt\n";
  private static final String SLEEPS = "FROM reprise/busybox\nCMD [\"sleep\", \"300\"]\n";

  private final ApiClient api = new ApiClient();

  private JsonNode get(String pathAndQuery) throws Exception {
    return api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + pathAndQuery)).GET().build(), 200);
  }

  private String startAs(String compendiumId, String user) throws Exception {
    return api.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"compendium_id\": \"" + compendiumId + "\", \"user\": \""
            + user + "\"}")).build(), 201).get("job_id").asText();
  }

  private int listed(String user) throws Exception {
    return get("/api/v1/job?user=" + user + "&limit=1000").get("results").size();
  }

  @Test
  void pagingVisitsEveryJobOnceNewestFirstWhileJobsStartAndEnd() throws Exception {
    String user = "order-" + UUID.randomUUID().toString().substring(0, 8);
    String quick = api.uploadCompendium(Compendia.zip(Map.of("Dockerfile", FAILS_FAST)));
    String slow = api.uploadCompendium(Compendia.zip(Map.of("Dockerfile", SLEEPS)));
    List<String> ended = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      ended.add(startAs(quick, user));
    }
    for (String job : ended) {
      api.awaitEnd(job);
    }
    // Running jobs, started last: Temporal's own order puts them first while they run and among the ended ones,
    // by end time, once they end, which is how a job came twice before.
    List<String> running = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      running.add(startAs(slow, user));
    }
    Set<String> present = new HashSet<>(ended);
    present.addAll(running);
    Instant deadline = Instant.now().plusSeconds(60);
    while (listed(user) < present.size()) {
      assertTrue(Instant.now().isBefore(deadline), "visibility did not list the thirty jobs");
      Thread.sleep(250);
    }
    List<String> arrivals = new ArrayList<>();
    List<JsonNode> seen = new ArrayList<>();
    List<String> toEnd = reversed(running);

    String next = "/api/v1/job?user=" + user + "&limit=4&fields=status,created";
    int page = 0;
    while (next != null) {
      JsonNode body = get(next);
      body.get("results").forEach(seen::add);
      next = body.hasNonNull("next") ? body.get("next").asText() : null;
      page++;
      if (page <= 3) {
        // Between pages: two new jobs arrive and two running ones end, the newest first, so that jobs of the first
        // page end while the list is followed.
        List<String> ending = toEnd.subList(2 * page - 2, 2 * page);
        List<String> arrived = List.of(startAs(quick, user), startAs(quick, user));
        arrivals.addAll(arrived);
        for (String job : ending) {
          api.cancel(job, 202);
        }
        for (String job : ending) {
          api.awaitEnd(job);
        }
        for (String job : arrived) {
          api.awaitEnd(job);
        }
        // The list shows them ended before the next page is asked for.
        Set<String> stillRunning = new HashSet<>(toEnd.subList(2 * page, toEnd.size()));
        Instant settled = Instant.now().plusSeconds(60);
        while (!new HashSet<>(toList(get("/api/v1/job?user=" + user + "&status=running&limit=1000")
            .get("results"))).equals(stillRunning)) {
          assertTrue(Instant.now().isBefore(settled), "visibility did not show the ended jobs as ended");
          Thread.sleep(250);
        }
      }
    }

    List<String> ids = seen.stream().map(item -> item.get("id").asText()).toList();
    assertEquals(present.size(), ids.size(), "each job once: " + ids);
    assertEquals(present, new HashSet<>(ids));
    List<String> newestFirst = seen.stream()
        .sorted(Comparator.comparing((JsonNode item) -> Instant.parse(item.get("created").asText())).reversed())
        .map(item -> item.get("id").asText()).toList();
    assertEquals(newestFirst, ids, "newest first by creation");
    assertEquals(reversed(running), ids.subList(0, running.size()), "the jobs started last come first");
    for (String arrival : arrivals) {
      assertFalse(ids.contains(arrival), "a job started while paging does not enter later pages");
    }
    // o2r's start: position 5 is the fifth job of the list as it is now, the arrivals first.
    List<String> now = new ArrayList<>(reversed(arrivals));
    now.addAll(ids);
    JsonNode fromFive = get("/api/v1/job?user=" + user + "&limit=4&start=5");
    assertEquals(now.subList(4, 8), toList(fromFive.get("results")));
  }

  private static List<String> reversed(List<String> list) {
    List<String> copy = new ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }

  private static List<String> toList(JsonNode results) {
    List<String> ids = new ArrayList<>();
    results.forEach(id -> ids.add(id.asText()));
    return ids;
  }

  @Test
  void jobsOfAnotherNamespaceAreNotListed() throws Exception {
    String user = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget(TestStack.get("REPRISE_TEMPORAL_TARGET", "127.0.0.1:7233")).build());
    List<WorkflowStub> started = new ArrayList<>();
    try {
      // A job workflow of this user in Temporal's 'default' namespace, where every instance put its jobs before,
      // and one in the instance's own; neither has a worker (their task queue has none), so neither ever runs.
      String elsewhere = start(service, "default", user);
      String own = start(service, ApiClient.namespace(), user);
      started.add(stub(service, "default", elsewhere));
      started.add(stub(service, ApiClient.namespace(), own));
      Instant deadline = Instant.now().plusSeconds(60);
      while (listed(user) < 1) {
        assertTrue(Instant.now().isBefore(deadline), "visibility did not list the workflow of the own namespace");
        Thread.sleep(250);
      }
      // Both were started before the list answered: were the other namespace's listed, it would be here too.
      assertEquals(List.of(own), toList(get("/api/v1/job?user=" + user + "&limit=1000").get("results")));
    } finally {
      for (WorkflowStub stub : started) {
        stub.terminate("test over");
      }
      service.shutdown();
    }
  }

  private static String start(WorkflowServiceStubs service, String namespace, String user) {
    String id = "ns" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    WorkflowClient client = WorkflowClient.newInstance(service,
        WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
    WorkflowStub stub = client.newUntypedWorkflowStub("JobWorkflow", WorkflowOptions.newBuilder()
        .setWorkflowId(id).setTaskQueue("reprise-nobody-polls-" + user)
        .setTypedSearchAttributes(SearchAttributes.newBuilder().set(JobSearchAttributes.SUBMITTER, user).build())
        .setWorkflowExecutionTimeout(Duration.ofMinutes(10)).build());
    stub.start();
    return id;
  }

  private static WorkflowStub stub(WorkflowServiceStubs service, String namespace, String id) {
    return WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder().setNamespace(namespace).build())
        .newUntypedWorkflowStub(id);
  }
}
