package io.reprise.workflows.audits;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * An audit campaign: re-runs past jobs as child job workflows, a bounded number at a time, compares each re-run's
 * outputs with its original's and reports a verdict per job and the reproducibility rate.
 */
@WorkflowInterface
public interface AuditWorkflow {

  @WorkflowMethod
  AuditReport run(AuditRequest request);

  /** The report as it stands. */
  @QueryMethod
  AuditReport report();
}
