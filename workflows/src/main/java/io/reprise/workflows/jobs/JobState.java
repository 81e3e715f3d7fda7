package io.reprise.workflows.jobs;

import java.util.List;

/**
 * A job as its workflow knows it: published in the memo at every change, returned by the state query and as the
 * result when the job ends.
 *
 * @param imageDigest the image's repository digest in the registry ({@code name@sha256:...}); null without one
 * @param priority the task queue priority the job's workflow runs with (1 first, 5 last), as Temporal gave it; null
 *     for a job started without one (before priorities existed)
 */
public record JobState(String jobId, String compendiumId, JobStatus status, List<Step> steps, String imageId,
    String baseImage, String baseImageId, Integer exitCode, JobReport report, String rerunOf,
    Boolean rebuiltImageIdentical, Provenance provenance, JobStorage storage, Integer priority,
    String imageDigest) {

  public JobState(String jobId, String compendiumId, JobStatus status, List<Step> steps, String imageId,
      String baseImage, String baseImageId, Integer exitCode, JobReport report, String rerunOf,
      Boolean rebuiltImageIdentical, Provenance provenance, JobStorage storage, Integer priority) {
    this(jobId, compendiumId, status, steps, imageId, baseImage, baseImageId, exitCode, report, rerunOf,
        rebuiltImageIdentical, provenance, storage, priority, null);
  }

  /** The memo key under which the workflow publishes this state at every step change. */
  public static final String MEMO_KEY = "state";

  /** A job whose workflow has not run yet: every step queued. */
  public static JobState notStarted(String jobId, String compendiumId) {
    return new JobState(jobId, compendiumId, JobStatus.RUNNING,
        JobSteps.ORDER.stream().map(Step::queued).toList(), null, null, null, null,
        new JobReport(null, null, null, null, List.of()), null, null, null, null, null);
  }
}
