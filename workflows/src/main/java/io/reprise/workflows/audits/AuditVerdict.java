package io.reprise.workflows.audits;

/** Where one audited job stands, and at the end, whether its results reproduced. */
public enum AuditVerdict {
  /** Waiting for a free slot. */
  QUEUED,
  /** Its re-run or the comparison is under way. */
  RUNNING,
  /** Every output not ignored is identical to the original's. */
  REPRODUCED,
  /** The re-run succeeded but at least one output differs, is missing or is new. */
  NOT_REPRODUCED,
  /** The re-run did not succeed, so there are no outputs to compare. */
  FAILED,
  /** Not re-run: the original has no outputs to compare, or the audit was cancelled first. */
  SKIPPED;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public boolean ended() {
    return this != QUEUED && this != RUNNING;
  }

  /** Whether the job counts in the reproducibility rate: it was re-run to an end. */
  public boolean audited() {
    return this == REPRODUCED || this == NOT_REPRODUCED || this == FAILED;
  }
}
