package io.reprise.activities.sweep;

import io.reprise.workflows.jobs.JobSearchAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** The job workflows of the client's namespace, through Temporal's visibility and describe. */
public class TemporalJobDirectory implements JobDirectory {

  private static final String JOBS = "WorkflowType = 'JobWorkflow'";
  // Temporal deletes a workflow that closed in the last 20 seconds or so only once its close is recorded (measured on
  // the dev server: 19 s after a terminate; 0.2 s for a workflow closed 30 s before).
  private static final Duration DELETE_WAIT = Duration.ofSeconds(60);

  private final WorkflowClient client;

  public TemporalJobDirectory(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public void forEach(Consumer<Job> consumer) {
    client.listExecutions(JOBS).forEach(execution -> consumer.accept(job(execution)));
  }

  @Override
  public List<Job> endedBefore(String status, Instant cutoff, int limit) {
    // RepriseStatus stays 'running' on a workflow ended from outside (terminated, timed out): those are failures.
    String which = "success".equals(status) ? JobSearchAttributes.STATUS.getName() + " = 'success'"
        : JobSearchAttributes.STATUS.getName() + " != 'success'";
    String query = JOBS + " AND ExecutionStatus != 'Running' AND " + which + " AND CloseTime < '" + cutoff + "'";
    return client.listExecutions(query).limit(limit).map(TemporalJobDirectory::job).toList();
  }

  private static Job job(WorkflowExecutionMetadata execution) {
    String status = execution.getTypedSearchAttributes().get(JobSearchAttributes.STATUS);
    if (execution.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
        && !"success".equals(status)) {
      status = "failure";
    }
    return new Job(execution.getExecution().getWorkflowId(),
        execution.getTypedSearchAttributes().get(JobSearchAttributes.SUBMITTER),
        execution.getTypedSearchAttributes().get(JobSearchAttributes.COMPENDIUM_ID), status,
        execution.getCloseTime());
  }

  @Override
  public boolean exists(String jobId) {
    try {
      client.newUntypedWorkflowStub(jobId).describe();
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  @Override
  public boolean running(String jobId) {
    try {
      return client.newUntypedWorkflowStub(jobId).describe().getStatus()
          == io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  @Override
  public void delete(String jobId) {
    String namespace = client.getOptions().getNamespace();
    try {
      client.getWorkflowServiceStubs().blockingStub().deleteWorkflowExecution(DeleteWorkflowExecutionRequest
          .newBuilder().setNamespace(namespace)
          .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(jobId)).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
    // Temporal deletes asynchronously: the execution, then its visibility record. Waiting here makes the job a 404
    // in views and lists once the API answers.
    long deadline = System.nanoTime() + DELETE_WAIT.toNanos();
    long pause = 20;
    while (System.nanoTime() < deadline) {
      if (!exists(jobId) && client.getWorkflowServiceStubs().blockingStub().countWorkflowExecutions(
          CountWorkflowExecutionsRequest.newBuilder().setNamespace(namespace)
              .setQuery("WorkflowId = '" + jobId + "'").build()).getCount() == 0) {
        return;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      pause = Math.min(pause * 2, 500);
    }
    throw new IllegalStateException("Temporal has not deleted the workflow of job " + jobId + " within "
        + DELETE_WAIT.toSeconds() + " s; it will, and the next storage sweep deletes the records it still has");
  }
}
