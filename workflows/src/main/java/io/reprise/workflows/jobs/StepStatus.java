package io.reprise.workflows.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The state of one step of a job, written in lower case on the wire as o2r does. */
public enum StepStatus {
  QUEUED,
  RUNNING,
  SUCCESS,
  FAILURE,
  WARNING,
  SKIPPED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True for the states a step cannot leave. */
  public boolean isFinal() {
    return this != QUEUED && this != RUNNING;
  }
}
