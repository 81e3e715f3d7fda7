package io.reprise.api.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.google.protobuf.ByteString;
import io.reprise.api.web.ApiException;
import java.util.List;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The list parameters, each accepted and refused as documented, without a server. */
class JobListingTest {

  private static JobListing.Query query(String compendiumIds, String status, String user) {
    return new JobListing.Query(null, null, null, compendiumIds, status, user, null);
  }

  private static String refused(Runnable call) {
    ApiException e = assertThrows(ApiException.class, call::run);
    assertEquals(HttpStatus.BAD_REQUEST, e.status());
    return e.getMessage();
  }

  @Test
  void limitDefaultsToAHundredAndStaysWithinOneToAThousand() {
    assertEquals(100, JobListing.limit(null));
    assertEquals(100, JobListing.limit(" "));
    assertEquals(1000, JobListing.limit("1000"));
    assertEquals(7, JobListing.limit(" 7 "));
    assertTrue(refused(() -> JobListing.limit("0")).contains("between 1 and 1000"));
    assertTrue(refused(() -> JobListing.limit("1001")).contains("between 1 and 1000"));
    assertTrue(refused(() -> JobListing.limit("ten")).contains("whole number"));
  }

  @Test
  void fieldsTolerateSpacesAndEmptyItemsAndRefuseUnknownOnes() {
    assertEquals(List.of(), JobListing.fields(null));
    assertEquals(List.of(), JobListing.fields(""));
    assertEquals(List.of("status", "created"), JobListing.fields(" status, ,created,,status "));
    assertEquals(List.of("user", "compendium_id"), JobListing.fields("user,compendium_id"));
    assertTrue(refused(() -> JobListing.fields("status,colour")).contains("unknown field 'colour'"));
  }

  @Test
  void filtersBecomeOneVisibilityQuery() {
    assertEquals("WorkflowType = 'JobWorkflow'", JobListing.visibilityQuery(query(null, null, null)));
    assertEquals("WorkflowType = 'JobWorkflow' AND RepriseCompendiumId IN ('aaaaaaaaaaaa', 'bbbbbbbbbbbb')"
            + " AND RepriseStatus = 'success' AND RepriseSubmitter = 'ada@lab'",
        JobListing.visibilityQuery(query("aaaaaaaaaaaa, bbbbbbbbbbbb,", "success", "ada@lab")));
  }

  @Test
  void filterValuesOutsideTheirAlphabetAreRefusedBeforeAnyQuery() {
    assertTrue(refused(() -> JobListing.visibilityQuery(query(null, "done", null))).contains("status"));
    assertTrue(refused(() -> JobListing.visibilityQuery(query("x' OR 1=1", null, null))).contains("compendium_id"));
    assertTrue(refused(() -> JobListing.visibilityQuery(query(null, null, "o'brien"))).contains("user"));
  }

  @Test
  void cursorsRoundTripAndForeignOnesAreRefused() {
    JobListing.Cursor cursor = new JobListing.Cursor(ByteString.copyFromUtf8("{\"StartTime\":\"x\"}"), 301);

    JobListing.Cursor back = JobListing.Cursor.decode(cursor.encode());

    assertEquals(cursor, back);
    assertTrue(refused(() -> JobListing.Cursor.decode("%%%")).contains("cursor"));
    assertTrue(refused(() -> JobListing.Cursor.decode("AA")).contains("cursor"));
  }

  @Test
  void randomBase64IsNotACursor() {
    java.util.Random random = new java.util.Random(7);
    for (int length : new int[] {5, 12, 40, 200}) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      String garbage = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      assertTrue(refused(() -> JobListing.Cursor.decode(garbage)).contains("cursor"), garbage);
    }
    assertTrue(refused(() -> JobListing.Cursor.decode("aGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGEgY3Vyc29y"))
        .contains("cursor"));
  }

  @Test
  void aCursorTemporalRefusesIsA400NotAnOutage() {
    WorkflowClient temporal = mock(WorkflowClient.class);
    when(temporal.getOptions()).thenReturn(WorkflowClientOptions.newBuilder().setNamespace("default").build());
    WorkflowServiceStubs stubs = mock(WorkflowServiceStubs.class);
    WorkflowServiceGrpc.WorkflowServiceBlockingStub blocking =
        mock(WorkflowServiceGrpc.WorkflowServiceBlockingStub.class);
    when(temporal.getWorkflowServiceStubs()).thenReturn(stubs);
    when(stubs.blockingStub()).thenReturn(blocking);
    when(blocking.listWorkflowExecutions(any())).thenThrow(
        new StatusRuntimeException(Status.INVALID_ARGUMENT.withDescription("invalid page token")));
    String cursor = new JobListing.Cursor(ByteString.copyFromUtf8("not Temporal's"), 101).encode();

    String message = refused(() -> new JobListing(temporal)
        .list(new JobListing.Query(null, null, cursor, null, null, null, null)));

    assertTrue(message.contains("cursor"), message);
  }

  @Test
  void statusFilterCountsAWorkflowEndedFromOutsideAsAFailure() {
    // A terminated or timed-out job's RepriseStatus stays 'running': its execution status decides (issue 11).
    String running = JobListing.visibilityQuery(query(null, "running", null));
    assertTrue(running.endsWith("RepriseStatus = 'running' AND ExecutionStatus = 'Running'"), running);
    String failure = JobListing.visibilityQuery(query(null, "failure", null));
    assertTrue(failure.contains("(RepriseStatus = 'failure' OR (RepriseStatus = 'running' AND ExecutionStatus IN "
        + "('Terminated', 'TimedOut', 'Canceled', 'Failed')))"), failure);
    assertEquals("failure", JobListing.status("running", io.temporal.api.workflow.v1.WorkflowExecutionInfo.newBuilder()
        .setStatus(io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED).build()));
    assertEquals("running", JobListing.status("running", io.temporal.api.workflow.v1.WorkflowExecutionInfo.newBuilder()
        .setStatus(io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING).build()));
  }
}
