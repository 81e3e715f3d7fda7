package io.reprise.workflows.jobs;

import java.util.List;

/** A job as its workflow knows it: returned by the state query while it runs and as the result when it ends. */
public record JobState(String jobId, String compendiumId, JobStatus status, List<Step> steps, String imageId,
    Integer exitCode) {

  /** The memo key under which the workflow publishes this state at every step change. */
  public static final String MEMO_KEY = "state";

  /** A job whose workflow has not run yet: every step queued. */
  public static JobState notStarted(String jobId, String compendiumId) {
    return new JobState(jobId, compendiumId, JobStatus.RUNNING,
        JobSteps.ORDER.stream().map(Step::queued).toList(), null, null);
  }
}
