package io.reprise.workflows.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/** The overall state of a job, derived from its steps (see {@link #of(List)}). */
public enum JobStatus {
  RUNNING,
  SUCCESS,
  FAILURE;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The rule documented in the README: running while any step is queued or running; failure when any step failed;
   * success otherwise, so skipped and warning steps do not fail a job on their own.
   */
  public static JobStatus of(List<Step> steps) {
    if (steps.stream().anyMatch(s -> !s.status().isFinal())) {
      return RUNNING;
    }
    if (steps.stream().anyMatch(s -> s.status() == StepStatus.FAILURE)) {
      return FAILURE;
    }
    return SUCCESS;
  }
}
