package io.reprise.workflows.jobs;

/**
 * What a job runs: a stored compendium, on behalf of a submitter. The job id is also the workflow id. A re-run
 * names the job it repeats; it runs that job's recorded image unless it asks to rebuild, and then it says whether
 * the rebuilt image has the same id.
 *
 * @param rerunOf the job this one re-runs, or null
 * @param recordedImageId the image id the re-run job recorded, or null
 * @param recordedImageDigest the repository digest the re-run job recorded (null without a registry): the
 *     re-run runs the image by it, pulling it on a host that lacks it
 * @param rebuild whether a re-run builds the image again instead of running the recorded one
 */
public record JobRequest(String jobId, String compendiumId, String submitter, String rerunOf,
    String recordedImageId, boolean rebuild, String recordedImageDigest) {

  public JobRequest(String jobId, String compendiumId, String submitter) {
    this(jobId, compendiumId, submitter, null, null, false, null);
  }

  public JobRequest(String jobId, String compendiumId, String submitter, String rerunOf, String recordedImageId,
      boolean rebuild) {
    this(jobId, compendiumId, submitter, rerunOf, recordedImageId, rebuild, null);
  }
}
