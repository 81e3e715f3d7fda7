package io.reprise.workflows.jobs;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Runs one job: validate, compile, execute, and always cleanup. */
@WorkflowInterface
public interface JobWorkflow {

  /** Runs the job to its end and returns its final state; a failed step ends the job, not the workflow. */
  @WorkflowMethod
  JobState run(JobRequest request);

  /** The job's steps as they are now. */
  @QueryMethod
  JobState state();
}
