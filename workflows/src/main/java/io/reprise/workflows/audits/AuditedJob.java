package io.reprise.workflows.audits;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One job of an audit: the original, its re-run, and the verdict.
 *
 * @param index the job's place in the audit's request, from 0
 * @param rerunJobId the re-run job, once started
 * @param text why the verdict is what it is, in a sentence
 * @param counts files per comparison verdict (identical, different, only_in_a, only_in_b)
 * @param mismatches the outputs that did not reproduce (at most {@link #MAX_MISMATCHES}; the compare endpoint has
 *     all of them, with diffs)
 * @param reusedBytes bytes of the re-run's working directory that were already stored
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditedJob(int index, @JsonProperty("job_id") String jobId,
    @JsonProperty("rerun_job_id") String rerunJobId, AuditVerdict verdict, String text,
    Map<String, Integer> counts, List<String> mismatches, @JsonProperty("reused_bytes") Long reusedBytes,
    @JsonProperty("new_bytes") Long newBytes) {

  public static final int MAX_MISMATCHES = 20;

  public static AuditedJob queued(int index, String jobId) {
    return new AuditedJob(index, jobId, null, AuditVerdict.QUEUED, null, null, null, null, null);
  }

  public AuditedJob running(String rerun) {
    return new AuditedJob(index, jobId, rerun, AuditVerdict.RUNNING, "re-running as job " + rerun, null, null, null,
        null);
  }

  public AuditedJob ended(AuditVerdict verdict, String why) {
    return new AuditedJob(index, jobId, rerunJobId, verdict, why, counts, mismatches, reusedBytes, newBytes);
  }

  public AuditedJob stored(Long newBytes, Long reusedBytes) {
    return new AuditedJob(index, jobId, rerunJobId, verdict, text, counts, mismatches, reusedBytes, newBytes);
  }

  public AuditedJob compared(Map<String, Integer> counts, List<String> mismatches) {
    return new AuditedJob(index, jobId, rerunJobId, verdict, text, counts, mismatches, reusedBytes, newBytes);
  }
}
