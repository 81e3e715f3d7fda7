package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.exception.NotFoundException;
import io.reprise.activities.Compendia;
import io.reprise.activities.TestStack;
import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.docker.DockerSettings;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Failures, time limits, cancellation and a second worker, end to end on the real stack. */
class JobSemanticsIT {

  private static final String FENCE = "FROM reprise/busybox\nCOPY run.sh /run.sh\nCMD [\"sh\", \"/run.sh\"]\n";

  private final ApiClient api = new ApiClient();

  private static byte[] program(String script, String manifest) {
    return manifest == null
        ? Compendia.zip(Map.of("Dockerfile", FENCE, "run.sh", script))
        : Compendia.zip(Map.of("Dockerfile", FENCE, "run.sh", script, "reprise.yml", manifest));
  }

  @Test
  void failingProgramFailsExecuteKeepsItsExitCodeAndCleansUp() throws Exception {
    String jobId = api.run(program("echo computing; echo bad input >&2; exit 4\n", null));

    JsonNode job = api.awaitEnd(jobId);

    assertEquals("failure", job.get("status").asText(), job.toPrettyString());
    JsonNode execute = job.get("steps").get("execute");
    assertEquals("failure", execute.get("status").asText());
    assertTrue(execute.get("text").asText().startsWith("exited with code 4"), execute.toString());
    assertTrue(execute.get("text").asText().contains("bad input"), "stderr is in the log tail");
    assertEquals(4, job.get("exit_code").asInt());
    assertEquals("success", job.get("steps").get("cleanup").get("status").asText());
    assertFalse(job.has("exception"), "a failing program is no infrastructure exception");
  }

  /**
   * The job's host goes away mid-run: its workers are replaced by workers of another host. The waiting step fails
   * after the host wait (60 s for this instance), and cleanup runs from the shared queue, where the other host
   * has no folder of the job but removes its container.
   */
  @Test
  void jobWhoseHostIsGoneFailsItsWaitingStepAndIsCleanedUpFromTheSharedQueue() throws Exception {
    String jobId = api.run(program("echo started; sleep 60\n", null));
    api.awaitView(jobId, view -> view.get("steps").get("execute").get("text").asText().contains("started"),
        Duration.ofMinutes(1), "the program running");
    JsonNode job;
    try {
      api.restartWorkers("elsewhere");
      job = api.awaitEnd(jobId);
    } finally {
      api.restartWorkers();
    }

    assertEquals("failure", job.get("status").asText(), job.toPrettyString());
    JsonNode execute = job.get("steps").get("execute");
    assertEquals("failure", execute.get("status").asText());
    assertEquals("infrastructure error: no worker took this step within 1 min (the worker holding the job's folder "
        + "is gone)", execute.get("text").asText());
    assertEquals("Timeout", job.get("exception").get("type").asText());
    JsonNode cleanup = job.get("steps").get("cleanup");
    assertEquals("success", cleanup.get("status").asText(), cleanup.toString());
    String text = cleanup.get("text").asText();
    assertTrue(text.startsWith("the worker that held this job's folder is gone"), text);
    assertTrue(text.contains("no job folder on this worker"), text);
    assertTrue(text.contains("removed the container"), "the program does not outlive its job: " + text);
  }

  @Test
  void programPastItsTimeLimitFailsWithTheLimitInTheText() throws Exception {
    String jobId = api.run(program("echo started; sleep 120\n", "timeout: 3s\n"));

    JsonNode job = api.awaitEnd(jobId);

    JsonNode execute = job.get("steps").get("execute");
    assertEquals("failure", execute.get("status").asText(), job.toPrettyString());
    assertTrue(execute.get("text").asText().startsWith("timed out after 3 s"), execute.toString());
    assertEquals("success", job.get("steps").get("cleanup").get("status").asText());
  }

  @Test
  void cancelledJobStopsItsContainerShowsItAndStillCleansUp() throws Exception {
    String jobId = api.run(program("i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done\n", null));
    // The running step shows the program's newest lines while it runs (from the activity's heartbeats).
    api.awaitView(jobId, view -> view.get("steps").get("execute").get("text").asText().contains("tick 2"),
        Duration.ofSeconds(60), "a live log tail");

    JsonNode accepted = api.cancel(jobId, 202);
    JsonNode job = api.awaitEnd(jobId);

    assertEquals("cancelling", accepted.get("status").asText());
    assertEquals("failure", job.get("status").asText(), job.toPrettyString());
    assertEquals("cancelled", job.get("steps").get("execute").get("text").asText());
    assertEquals("it", job.get("cancelled_by").asText(), "the history names who cancelled");
    assertEquals("success", job.get("steps").get("cleanup").get("status").asText());
    DockerContainerEngine engine = DockerContainerEngine.connect(new DockerSettings(TestStack.dockerHost()));
    boolean containerLeft;
    try {
      engine.client().inspectContainerCmd("reprise-job-" + jobId).exec();
      containerLeft = true;
    } catch (NotFoundException gone) {
      containerLeft = false;
    }
    assertFalse(containerLeft, "the job's container is gone");
    JsonNode again = api.cancel(jobId, 409);
    assertTrue(again.get("error").asText().contains("already ended"));
  }

  @Test
  void secondWorkerSharesTheLoad() throws Exception {
    // docker/service started two worker processes for the tests. Jobs started together are spread by Temporal
    // over every poller; with twelve jobs, the chance that one worker takes them all is 2 / 2^12.
    String compendiumId = api.uploadCompendium(program("echo hello\n", null));
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      jobs.add(api.startJob(compendiumId));
    }
    Set<String> workers = new HashSet<>();
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget(TestStack.get("REPRISE_TEMPORAL_TARGET", "127.0.0.1:7233")).build());
    try {
      WorkflowClient temporal = WorkflowClient.newInstance(service,
          WorkflowClientOptions.newBuilder().setNamespace(ApiClient.namespace()).build());
      for (String jobId : jobs) {
        assertEquals("success", api.awaitEnd(jobId).get("status").asText(), jobId);
        for (HistoryEvent event : temporal.fetchHistory(jobId).getEvents()) {
          if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
            workers.add(event.getActivityTaskStartedEventAttributes().getIdentity());
          }
        }
      }
    } finally {
      service.shutdown();
    }
    assertEquals(2, workers.size(), "activities ran on " + workers);
  }

  /**
   * An operator terminates a running job's workflow in Temporal (issue 11: its memo said running forever). The
   * view and the list take the execution's own status: the job is a failure, the running step says why. A
   * terminated workflow runs no cleanup, so the test removes the container itself.
   */
  @Test
  void jobTerminatedInTemporalShowsEndedInItsViewAndInTheList() throws Exception {
    String jobId = api.run(program("echo started; sleep 300\n", null));
    JsonNode running = api.awaitView(jobId,
        view -> view.get("steps").get("execute").get("text").asText().contains("started"), Duration.ofMinutes(1),
        "the program running");
    // The namespace the instance runs in, from the link to Temporal's UI (.../namespaces/<ns>/workflows/<id>).
    String ui = running.get("temporal_ui").asText();
    String namespace = ui.substring(ui.indexOf("/namespaces/") + 12, ui.indexOf("/workflows/"));
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget(TestStack.get("REPRISE_TEMPORAL_TARGET", "127.0.0.1:7233")).build());
    DockerContainerEngine engine = DockerContainerEngine.connect(new DockerSettings(TestStack.dockerHost()));
    try {
      WorkflowClient.newInstance(service, io.temporal.client.WorkflowClientOptions.newBuilder()
          .setNamespace(namespace).build()).newUntypedWorkflowStub(jobId).terminate("terminated by JobSemanticsIT");

      // A running job's view may be a second old (README "Reads"): wait for the view that says it ended.
      JsonNode job = api.awaitEnd(jobId);

      assertEquals("failure", job.get("status").asText(), job.toPrettyString());
      JsonNode execute = job.get("steps").get("execute");
      assertEquals("failure", execute.get("status").asText());
      assertTrue(execute.get("text").asText().contains("terminated in Temporal"), execute.toString());
      assertEquals("skipped", job.get("steps").get("cleanup").get("status").asText());
      assertEquals("WORKFLOW_TERMINATED", job.get("exception").get("type").asText());
      assertTrue(job.has("finished"), job.toPrettyString());
      assertFalse(ids(list("status=running")).contains(jobId), "not listed as running");
      assertTrue(ids(list("status=failure")).contains(jobId), "listed as a failure");
      JsonNode item = find(list("fields=status"), jobId);
      assertEquals("failure", item.get("status").asText(), item.toString());
    } finally {
      service.shutdown();
      engine.removeContainer("reprise-job-" + jobId);
    }
  }

  /**
   * A command the image cannot execute is the compendium's error (issue 11: it was retried for 95 s as an
   * infrastructure error): execute fails at once with the engine's words, and cleanup runs.
   */
  @Test
  void programThatCannotStartFailsAtOnceWithTheEnginesWords() throws Exception {
    String jobId = api.run(Compendia.zip(Map.of("Dockerfile", "FROM scratch\nCMD [\"/nonexistent\"]\n")));

    JsonNode job = api.awaitView(jobId, view -> !"running".equals(view.get("status").asText()),
        Duration.ofSeconds(60), "the end");

    assertEquals("failure", job.get("status").asText(), job.toPrettyString());
    JsonNode execute = job.get("steps").get("execute");
    assertEquals("failure", execute.get("status").asText());
    assertTrue(execute.get("text").asText().startsWith("the program could not start: "), execute.toString());
    assertTrue(execute.get("text").asText().contains("no such file or directory"), execute.toString());
    assertFalse(job.has("exception"), "a compendium's error is no infrastructure exception");
    assertEquals("success", job.get("steps").get("cleanup").get("status").asText());
  }

  private JsonNode list(String query) throws Exception {
    return api.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ApiClient.BASE + "/api/v1/job?limit=1000&"
        + query)).GET().build(), 200);
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("results").forEach(item -> ids.add(item.isTextual() ? item.asText() : item.get("id").asText()));
    return ids;
  }

  private static JsonNode find(JsonNode page, String jobId) {
    for (JsonNode item : page.get("results")) {
      if (item.get("id").asText().equals(jobId)) {
        return item;
      }
    }
    throw new AssertionError("job " + jobId + " is not in the list");
  }
}
