package io.reprise.activities.audits;

import io.reprise.workflows.audits.AuditActivities;
import io.reprise.workflows.audits.AuditedJob;
import io.temporal.failure.ApplicationFailure;
import java.util.List;

/** Compares stored outputs for audits; the verdicts only, the diffs stay with the compare endpoint. */
public class AuditActivitiesImpl implements AuditActivities {

  private final JobComparison comparison;

  public AuditActivitiesImpl(JobComparison comparison) {
    this.comparison = comparison;
  }

  @Override
  public OutputComparison compareOutputs(String originalJobId, String rerunJobId) {
    JobComparison.Comparison result;
    try {
      result = comparison.compare(originalJobId, rerunJobId, false);
    } catch (JobComparison.NotStoredException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), NOT_STORED);
    }
    if (result.verdict().equals(JobComparison.NO_OUTPUTS)) {
      // Nothing was compared, so the job neither reproduced nor failed to: the audit skips it, as it skips jobs
      // whose outputs were never stored.
      throw ApplicationFailure.newNonRetryableFailure("job " + originalJobId + " and its re-run "
          + rerunJobId + " have no outputs: there is nothing to compare", NOT_STORED);
    }
    List<String> mismatches = result.files().stream().filter(JobComparison.FileVerdict::mismatch)
        .limit(AuditedJob.MAX_MISMATCHES).map(file -> file.path() + " (" + file.verdict() + ")").toList();
    return new OutputComparison(result.reproduced(), result.counts(), mismatches);
  }
}
