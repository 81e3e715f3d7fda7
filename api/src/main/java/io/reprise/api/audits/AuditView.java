package io.reprise.api.audits;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.reprise.api.web.ServerPaths;
import io.reprise.workflows.audits.AuditSummary;
import io.reprise.workflows.audits.AuditVerdict;
import io.reprise.workflows.audits.AuditedJob;
import java.util.List;
import java.util.Map;

/**
 * An audit as {@code GET /api/v1/audit/{id}} shows it: progress and, when done, the reproducibility rate and its 95%
 * interval, with a verdict per job and links to the original, the re-run and their comparison (which has the diffs).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditView(
    String id,
    String status,
    String created,
    String finished,
    String user,
    @JsonProperty("started_by") String startedBy,
    @JsonProperty("cancelled_by") String cancelledBy,
    Integer priority,
    boolean rebuild,
    int parallelism,
    Progress progress,
    Map<String, Integer> verdicts,
    int audited,
    int reproduced,
    @JsonProperty("reproducibility_rate") Double reproducibilityRate,
    @JsonProperty("reproducibility_interval") RateInterval reproducibilityInterval,
    String result,
    Storage storage,
    List<Job> jobs,
    @JsonProperty("temporal_ui") String temporalUi) {

  public record Progress(int total, int ended) {}

  /**
   * @param newBytes bytes the re-runs added to the store
   * @param bytesSaved bytes of the re-runs' working directories already stored (inputs and reproduced outputs),
   *     which content addressing did not store again
   */
  public record Storage(@JsonProperty("new_bytes") long newBytes, @JsonProperty("bytes_saved") long bytesSaved) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Job(@JsonProperty("job_id") String jobId, @JsonProperty("rerun_job_id") String rerunJobId,
      String verdict, String text, Map<String, Integer> files, List<String> mismatches,
      @JsonProperty("reused_bytes") Long reusedBytes, @JsonProperty("new_bytes") Long newBytes, String job,
      String rerun, String compare) {}

  static AuditView of(AuditSummary summary, String startedBy, String cancelledBy, String status, Integer priority,
      List<AuditedJob> audited, String temporalUi) {
    List<Job> jobs = audited.stream().map(AuditView::job).toList();
    return new AuditView(summary.auditId(), status, summary.created(), summary.finished(), summary.submitter(),
        startedBy, cancelledBy, priority, summary.rebuild(), summary.parallelism(),
        new Progress(summary.total(), summary.ended()),
        summary.verdicts(), summary.audited(), summary.reproduced(), summary.reproducibilityRate(),
        RateInterval.wilson(summary.reproduced(), summary.audited()), summary.result(), new Storage(summary.newBytes(), summary.bytesSaved()), jobs, temporalUi);
  }

  private static Job job(AuditedJob job) {
    String rerun = job.rerunJobId() == null ? null : "/api/v1/job/" + job.rerunJobId();
    boolean compared = job.verdict() == AuditVerdict.REPRODUCED || job.verdict() == AuditVerdict.NOT_REPRODUCED;
    // The text is a step's first line, which may carry the worker's paths: hidden as in the job view.
    return new Job(job.jobId(), job.rerunJobId(), job.verdict().wireName(), ServerPaths.hide(job.text()),
        job.counts(),
        job.mismatches(), job.reusedBytes(), job.newBytes(), "/api/v1/job/" + job.jobId(), rerun,
        compared ? "/api/v1/job/" + job.jobId() + "/compare/" + job.rerunJobId() : null);
  }
}
