package io.reprise.api.jobs;

import io.reprise.api.web.ApiException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.jobs.JobFiles;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.api.ApiProperties;
import io.reprise.activities.storage.MemoryArtifactStore;
import io.reprise.api.compendia.CompendiumService;
import io.reprise.workflows.jobs.JobReport;
import io.reprise.workflows.jobs.JobSearchAttributes;
import io.reprise.workflows.jobs.JobState;
import io.reprise.workflows.jobs.JobStatus;
import io.reprise.workflows.jobs.Step;
import io.reprise.workflows.jobs.StepStatus;
import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The job view and logs as JobService builds them from a described workflow and a store, without Temporal. */
class JobServiceTest {

  private static final String JOB = "j0b0j0b0j0b0";
  // The API shows at most the last 64 KiB of a stored log in a step text.
  private static final int TAIL = 64 * 1024;
  private static final DataConverter CONVERTER = DefaultDataConverter.newDefaultInstance();

  private final MemoryArtifactStore store = new MemoryArtifactStore();
  private final WorkflowClient temporal = mock(WorkflowClient.class);
  private static final io.reprise.api.auth.Caller OPERATOR = new io.reprise.api.auth.Caller("it",
      io.reprise.api.auth.Role.OPERATOR);
  private final JobListing listing = mock(JobListing.class);
  private final JobService jobs = new JobService(temporal, store, mock(CompendiumService.class),
      new ApiProperties(null, new ApiProperties.Temporal("q", "default", "http://ui"), null, null),
      listing, new JobFiles(store), new io.reprise.api.auth.AuthProperties(null, false, null, 0, null,
          null), new JobPriorities(java.util.Map.of(JobPriorities.OPERATOR, new JobPriorities.Limit(1, 3))));

  /** The stub the last describeAs set up, to count its describes. */
  private WorkflowStub described;

  private void describeAs(JobState state) {
    describeAs(state, null, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  private void describeAs(JobState state, String owner) {
    describeAs(state, owner, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  private void describeAs(JobState state, WorkflowExecutionStatus status) {
    describeAs(state, null, status);
  }

  /**
   * The job as Temporal describes it, ended as the status says; with an owner, its search attribute names the user
   * it runs for.
   */
  private void describeAs(JobState state, String owner, WorkflowExecutionStatus status) {
    WorkflowExecutionInfo.Builder builder = WorkflowExecutionInfo.newBuilder();
    if (owner != null) {
      builder.setSearchAttributes(io.temporal.internal.common.SearchAttributesUtil.encodeTyped(
          io.temporal.common.SearchAttributes.newBuilder().set(JobSearchAttributes.SUBMITTER, owner).build()));
    }
    WorkflowExecutionInfo info = builder
        .setType(WorkflowType.newBuilder().setName("JobWorkflow"))
        .setStatus(status)
        .setCloseTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_767_225_720L))
        .setMemo(Memo.newBuilder().putFields(JobState.MEMO_KEY, CONVERTER.toPayload(state).orElseThrow()))
        .build();
    WorkflowStub stub = mock(WorkflowStub.class);
    described = stub;
    when(stub.describe()).thenReturn(new WorkflowExecutionDescription(
        DescribeWorkflowExecutionResponse.newBuilder().setWorkflowExecutionInfo(info).build(), CONVERTER));
    when(temporal.newUntypedWorkflowStub(anyString())).thenReturn(stub);
    when(temporal.getOptions()).thenReturn(WorkflowClientOptions.newBuilder().build());
  }

  private static JobState ended(List<Step> steps, JobReport.ExceptionInfo exception) {
    return new JobState(JOB, "c0c0c0c0c0c0", JobStatus.of(steps), steps, null, null, null, 0,
        new JobReport("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z", exception,
            List.of("validate", "compile", "execute", "cleanup")), null, null, null, null, null);
  }

  private static List<Step> succeeded() {
    return List.of(new Step("validate", StepStatus.SUCCESS, "t0", "t1", "ok"),
        new Step("compile", StepStatus.SUCCESS, "t1", "t2", "built"),
        new Step("execute", StepStatus.SUCCESS, "t2", "t3", "ran"),
        new Step("cleanup", StepStatus.SUCCESS, "t3", "t4", "stored"));
  }

  @Test
  void aFilePathWithOuterSpacesIsAskedForAsItIsNotRefused() {
    // A program may write 'result.txt '; the job lists it under that name, so its URL must work (issue 11).
    JobService.checkFilePath("work/results/result.txt ");
    JobService.checkFilePath("work/ lead/x");
    ApiException refused = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
        () -> JobService.checkFilePath("work/../x"));
    assertEquals(org.springframework.http.HttpStatus.BAD_REQUEST, refused.status());
  }

  @Test
  void allStepsShowsOnlyTheLastPartOfAHugeLogAndLinksTheWholeOne() {
    long size = 64L << 20;
    store.putGenerated(StoreKeys.jobLog(JOB, "execute"), size);
    store.put(StoreKeys.jobLog(JOB, "compile"), "Step 1/3 : FROM python:3.12-slim\nSuccessfully built\n");
    store.put(StoreKeys.jobLog(JOB, "validate"), "");
    describeAs(ended(succeeded(), null));

    JobView view = jobs.view(JOB, true);

    String execute = view.steps().get("execute").text();
    String first = execute.substring(0, execute.indexOf('\n'));
    assertTrue(first.contains("truncated") && first.contains("/api/v1/job/" + JOB + "/data/logs/execute.log"),
        first);
    assertTrue(execute.length() <= TAIL + first.length() + 1, "text of " + execute.length());
    // The generated log's last line is the letter of its last 64-byte block, 63 times.
    char last = (char) ('a' + (size / 64 - 1) % 26);
    assertTrue(execute.endsWith(String.valueOf(last).repeat(63) + "\n"));
    assertTrue(store.bytesRead() < 2 * TAIL, "read " + store.bytesRead() + " bytes");
    assertEquals("Step 1/3 : FROM python:3.12-slim\nSuccessfully built\n", view.steps().get("compile").text());
    assertEquals("", view.steps().get("validate").text());
  }

  @Test
  void logsStreamFromTheStoreWithoutHoldingAWholeLog() throws IOException {
    long size = 64L << 20;
    store.putGenerated(StoreKeys.jobLog(JOB, "execute"), size);
    describeAs(ended(succeeded(), null));

    // The output notes, at every write, how far the reading has run ahead of the writing.
    long[] written = {0};
    long[] mostAhead = {0};
    OutputStream out = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        mostAhead[0] = Math.max(mostAhead[0], store.bytesRead() - written[0]);
        written[0] += len;
      }
    };
    jobs.logs(OPERATOR, JOB).writeTo(out);

    assertTrue(written[0] > size, "wrote " + written[0]);
    assertTrue(mostAhead[0] < 1 << 20, "read ran " + mostAhead[0] + " bytes ahead of what was written");
  }

  @Test
  void logsShowEachStepHeaderThenItsStoredLogOrItsText() throws IOException {
    store.put(StoreKeys.jobLog(JOB, "execute"), "line 1\nline 2");
    describeAs(ended(succeeded(), null));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    jobs.logs(OPERATOR, JOB).writeTo(out);

    assertEquals("== validate: success (t0 .. t1) ==\nok\n== compile: success (t1 .. t2) ==\nbuilt\n"
        + "== execute: success (t2 .. t3) ==\nline 1\nline 2\n== cleanup: success (t3 .. t4) ==\nstored\n",
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theViewShowsNoStackAndNoServerPaths() throws IOException {
    List<Step> steps = List.of(new Step("validate", StepStatus.SUCCESS, "t0", "t1", "ok"),
        new Step("compile", StepStatus.SUCCESS, "t1", "t2", "built"),
        new Step("execute", StepStatus.SUCCESS, "t2", "t3", "ran"),
        new Step("cleanup", StepStatus.FAILURE, "t3", "t4",
            "infrastructure error: could not store /work/main/.state/service/it/work/" + JOB + "/work/a\\b"));
    JobReport.ExceptionInfo exception = new JobReport.ExceptionInfo("cleanup", "UncheckedIOException",
        "could not read /tmp/reprise-jobs/" + JOB + "/work/h\\secret: No such file",
        "java.io.UncheckedIOException: could not read\n\tat io.reprise.activities.jobs.JobActivitiesImpl.cleanup");
    describeAs(ended(steps, exception));

    String json = new ObjectMapper().writeValueAsString(jobs.view(JOB, false));

    assertFalse(json.contains("stack"), json);
    assertFalse(json.contains("at io.reprise"), json);
    assertFalse(json.contains("/tmp/reprise-jobs"), json);
    assertFalse(json.contains(".state"), json);
    assertTrue(json.contains("could not read <path>: No such file"), json);
    assertTrue(json.contains("infrastructure error: could not store <path>"), json);
  }

  @Test
  void theRerunsASubmitterSeesAreTheirOwnOnly() {
    describeAs(ended(succeeded(), null), "alice");
    // Temporal answers the query it is given: every re-run, or only those of the user the query names.
    when(listing.ids(anyString())).thenAnswer(call -> {
      String query = call.getArgument(0);
      return query.contains("RepriseSubmitter = 'alice'") ? List.of("a1a1a1a1a1a1")
          : query.contains("RepriseSubmitter") ? List.of() : List.of("b0b0b0b0b0b0", "a1a1a1a1a1a1");
    });
    io.reprise.api.auth.Caller alice = new io.reprise.api.auth.Caller("alice", io.reprise.api.auth.Role.SUBMITTER);
    io.reprise.api.auth.Caller auditor = new io.reprise.api.auth.Caller("ann", io.reprise.api.auth.Role.AUDITOR);

    assertEquals(List.of("a1a1a1a1a1a1"), jobs.view(alice, JOB, false).reruns());
    assertEquals(List.of("b0b0b0b0b0b0", "a1a1a1a1a1a1"), jobs.view(auditor, JOB, false).reruns());
    assertEquals(List.of("b0b0b0b0b0b0", "a1a1a1a1a1a1"), jobs.view(OPERATOR, JOB, false).reruns());
  }

  @Test
  void aJobWhoseWorkflowWasTerminatedShowsEndedNotRunning() {
    // The memo as the workflow last published it: execute running, cleanup queued. Then an operator terminated it.
    List<Step> steps = List.of(new Step("validate", StepStatus.SUCCESS, "t0", "t1", "ok"),
        new Step("compile", StepStatus.SUCCESS, "t1", "t2", "built"),
        new Step("execute", StepStatus.RUNNING, "t2", null, ""),
        Step.queued("cleanup"));
    describeAs(new JobState(JOB, "c0c0c0c0c0c0", JobStatus.of(steps), steps, null, null, null, null,
        new JobReport("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", null, null,
            List.of("validate", "compile", "execute")), null, null, null, null, null),
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);

    JobView view = jobs.view(JOB, false);

    assertEquals("failure", view.status());
    assertEquals("failure", view.steps().get("execute").status());
    assertTrue(view.steps().get("execute").text().contains("terminated"), view.steps().get("execute").text());
    assertEquals("skipped", view.steps().get("cleanup").status());
    assertEquals("success", view.steps().get("compile").status());
    assertEquals("execute", view.exception().step());
    assertEquals("WORKFLOW_TERMINATED", view.exception().type());
    assertEquals("2026-01-01T00:02:00Z", view.finished());
  }

  @Test
  void aRunningWorkflowStillShowsRunning() {
    List<Step> steps = List.of(new Step("validate", StepStatus.RUNNING, "t0", null, ""), Step.queued("compile"),
        Step.queued("execute"), Step.queued("cleanup"));
    describeAs(new JobState(JOB, "c0c0c0c0c0c0", JobStatus.of(steps), steps, null, null, null, null,
        new JobReport("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", null, null, List.of("validate")), null, null,
        null, null, null), WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);

    JobView view = jobs.view(JOB, false);

    assertEquals("running", view.status());
    assertEquals("queued", view.steps().get("cleanup").status());
  }

  @Test
  void anEndedJobIsDescribedOnceHoweverOftenItIsViewedAndOthersStillGet404() {
    describeAs(ended(succeeded(), null), "alice");
    when(listing.ids(anyString())).thenReturn(List.of());
    io.reprise.api.auth.Caller alice = new io.reprise.api.auth.Caller("alice", io.reprise.api.auth.Role.SUBMITTER);
    io.reprise.api.auth.Caller bob = new io.reprise.api.auth.Caller("bob", io.reprise.api.auth.Role.SUBMITTER);

    for (int i = 0; i < 5; i++) {
      assertEquals("success", jobs.view(alice, JOB, false).status());
      assertEquals("success", jobs.view(OPERATOR, JOB, i % 2 == 0).status());
    }
    // Bob may not see Alice's job: a 404 like an unknown id, from what is kept as from a describe.
    ApiException hidden = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
        () -> jobs.view(bob, JOB, false));
    assertEquals(org.springframework.http.HttpStatus.NOT_FOUND, hidden.status());
    assertEquals("no job with id " + JOB, hidden.getMessage());
    org.junit.jupiter.api.Assertions.assertThrows(ApiException.class, () -> jobs.requireVisible(bob, JOB));
    jobs.requireVisible(alice, JOB);

    org.mockito.Mockito.verify(described, org.mockito.Mockito.times(1)).describe();
  }

  @Test
  void aRunningJobIsDescribedAgainOnlyAfterItsFreshnessWindow() {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    JobService shared = new JobService(temporal, store, mock(CompendiumService.class),
        new ApiProperties(null, new ApiProperties.Temporal("q", "default", "http://ui"), null, null),
        listing, new JobFiles(store), new io.reprise.api.auth.AuthProperties(null, false, null, 0, null, null),
        new JobPriorities(java.util.Map.of(JobPriorities.OPERATOR, new JobPriorities.Limit(1, 3))),
        new JobReads(JobReads.Settings.defaults(), null, now::get));
    List<Step> steps = List.of(new Step("validate", StepStatus.RUNNING, "t0", null, ""), Step.queued("compile"),
        Step.queued("execute"), Step.queued("cleanup"));
    describeAs(new JobState(JOB, "c0c0c0c0c0c0", JobStatus.of(steps), steps, null, null, null, null,
        new JobReport("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", null, null, List.of("validate")), null, null,
        null, null, null), WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    when(listing.ids(anyString())).thenReturn(List.of());

    for (int i = 0; i < 10; i++) {
      assertEquals("running", shared.view(OPERATOR, JOB, false).status());
      assertEquals("running", shared.progress(JOB).status());
    }
    org.mockito.Mockito.verify(described, org.mockito.Mockito.times(1)).describe();
    now.addAndGet(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1000));
    shared.view(OPERATOR, JOB, false);
    org.mockito.Mockito.verify(described, org.mockito.Mockito.times(2)).describe();
  }

  @Test
  void theRerunsOfAJobAreAskedForOnceAWhileAndTheLastAnswerServesWhenTemporalIsBusy() {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    JobService shared = new JobService(temporal, store, mock(CompendiumService.class),
        new ApiProperties(null, new ApiProperties.Temporal("q", "default", "http://ui"), null, null),
        listing, new JobFiles(store), new io.reprise.api.auth.AuthProperties(null, false, null, 0, null, null),
        new JobPriorities(java.util.Map.of(JobPriorities.OPERATOR, new JobPriorities.Limit(1, 3))),
        new JobReads(JobReads.Settings.defaults(), null, now::get));
    describeAs(ended(succeeded(), null), "alice");
    when(listing.ids(anyString())).thenReturn(List.of("r1r1r1r1r1r1"));

    for (int i = 0; i < 10; i++) {
      assertEquals(List.of("r1r1r1r1r1r1"), shared.view(OPERATOR, JOB, false).reruns());
    }
    org.mockito.Mockito.verify(listing, org.mockito.Mockito.times(1)).ids(anyString());
    // After the window a new re-run shows; when Temporal then refuses the query, the last answer stands.
    now.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(2));
    when(listing.ids(anyString())).thenReturn(List.of("r2r2r2r2r2r2", "r1r1r1r1r1r1"));
    assertEquals(List.of("r2r2r2r2r2r2", "r1r1r1r1r1r1"), shared.view(OPERATOR, JOB, false).reruns());
    now.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(2));
    when(listing.ids(anyString())).thenThrow(new io.grpc.StatusRuntimeException(io.grpc.Status.RESOURCE_EXHAUSTED));
    assertEquals(List.of("r2r2r2r2r2r2", "r1r1r1r1r1r1"), shared.view(OPERATOR, JOB, false).reruns());
    org.mockito.Mockito.verify(described, org.mockito.Mockito.times(1)).describe();
  }
}
