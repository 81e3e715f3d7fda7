package io.reprise.workflows.audits;

import java.util.List;

/**
 * An audit campaign: re-run each target job and compare its outputs with the original's.
 *
 * @param auditId the audit's id, also its workflow id
 * @param targets the jobs to audit, in the order they are reported
 * @param parallelism how many re-runs run at once (at least 1)
 * @param rebuild whether re-runs build their images again instead of running the recorded ones
 * @param submitter who asked for the audit; the re-run jobs run in their name
 */
public record AuditRequest(String auditId, List<AuditTarget> targets, int parallelism, boolean rebuild,
    String submitter) {

  /**
   * One job to audit, as the API found it when the audit was asked for.
   *
   * @param status the original job's status (only jobs that succeeded have outputs to compare)
   * @param imageId the image the original job recorded, null when its build did not succeed
   */
  public record AuditTarget(String jobId, String compendiumId, String status, String imageId, String imageDigest) {

    public AuditTarget(String jobId, String compendiumId, String status, String imageId) {
      this(jobId, compendiumId, status, imageId, null);
    }
  }
}
