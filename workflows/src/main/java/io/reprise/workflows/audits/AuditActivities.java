package io.reprise.workflows.audits;

import io.temporal.activity.ActivityInterface;
import java.util.List;
import java.util.Map;

/** The audit's work outside the workflow: comparing stored outputs. Runs on the shared queue. */
@ActivityInterface
public interface AuditActivities {

  /** The failure type when a job has no stored manifest to compare; not retried. */
  String NOT_STORED = "OutputsNotStored";

  /**
   * Compares the outputs of the original job and its re-run, honouring the original's ignore list. Fails with
   * {@link #NOT_STORED} when either job has no stored outputs.
   */
  OutputComparison compareOutputs(String originalJobId, String rerunJobId);

  /**
   * @param counts files per comparison verdict (identical, different, only_in_a, only_in_b)
   * @param mismatches the first outputs (up to {@link AuditedJob#MAX_MISMATCHES}) that did not reproduce, each as
   *     "path (verdict)"
   */
  record OutputComparison(boolean reproduced, Map<String, Integer> counts, List<String> mismatches) {}
}
