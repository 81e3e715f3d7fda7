package io.reprise.workflows.jobs;

/**
 * One step of a job as users see it. Times are ISO 8601 instants in UTC, or null while the step has not started or
 * ended. The text is short and bounded (see {@link StepText}); full logs live in the artifact store.
 */
public record Step(String name, StepStatus status, String start, String end, String text) {

  public static Step queued(String name) {
    return new Step(name, StepStatus.QUEUED, null, null, "");
  }

  public Step running(String at) {
    return new Step(name, StepStatus.RUNNING, at, null, text);
  }

  public Step finished(StepStatus outcome, String at, String newText) {
    return new Step(name, outcome, start, at, StepText.bound(newText));
  }

  public Step skipped(String why) {
    return new Step(name, StepStatus.SKIPPED, null, null, why);
  }
}
