package io.reprise.workflows.jobs;

import java.util.List;

/**
 * Report fields of a job, after Font Bakery's report format: when it was created, started and finished, the
 * infrastructure exception that ended it (null when none), and the steps in the order they ran.
 */
public record JobReport(String created, String started, String finished, ExceptionInfo exception,
    List<String> executionOrder) {

  /** An infrastructure failure: its message and stack, bounded in size. */
  public record ExceptionInfo(String step, String type, String message, String stack) {}
}
