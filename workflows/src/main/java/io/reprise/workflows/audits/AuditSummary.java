package io.reprise.workflows.audits;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * An audit at a glance: progress while it runs, the reproducibility rate when it is done. Published in the
 * workflow's memo at every change, so the API shows it without a worker.
 *
 * @param status running, done or cancelled
 * @param total jobs in the audit
 * @param ended jobs with a final verdict
 * @param verdicts jobs per verdict
 * @param audited jobs re-run to an end (reproduced, not reproduced or failed); skipped jobs do not count
 * @param reproducibilityRate reproduced / audited, null while nothing has been audited
 * @param newBytes bytes the re-runs' working directories added to the store
 * @param bytesSaved bytes of the re-runs' working directories that were already stored, so not stored again
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditSummary(@JsonProperty("audit_id") String auditId, String status, String created,
    String finished, String submitter, boolean rebuild, int parallelism, int total, int ended,
    Map<String, Integer> verdicts, int audited, int reproduced,
    @JsonProperty("reproducibility_rate") Double reproducibilityRate, @JsonProperty("new_bytes") long newBytes,
    @JsonProperty("bytes_saved") long bytesSaved) {

  /** The memo key of the summary; each audited job is under {@link #jobKey(int)}. */
  public static final String MEMO_KEY = "audit";

  public static String jobKey(int index) {
    return "job:" + index;
  }

  /** An audit no worker has taken yet: every job queued. */
  public static AuditSummary queued(String auditId, String submitter, boolean rebuild, int parallelism, int total) {
    return new AuditSummary(auditId, "running", null, null, submitter, rebuild, parallelism, total, 0,
        Map.of(AuditVerdict.QUEUED.wireName(), total), 0, 0, null, 0, 0);
  }

  /** "4/5 reproduced", or what is left to do. */
  @JsonIgnore
  public String result() {
    return reproduced + "/" + audited + " reproduced" + (ended < total ? " so far, " + (total - ended) + " to go" : "");
  }
}
