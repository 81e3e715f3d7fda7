package io.reprise.workflows.jobs;

import io.temporal.activity.ActivityInterface;

/**
 * The work a job does outside the workflow. User errors end an activity with a non-retryable failure of a
 * {@link JobFailure} type; anything else is an infrastructure error and is retried.
 */
@ActivityInterface
public interface JobActivities {

  /** Fetches the compendium, unpacks it safely into the job's folder and checks that it has a Dockerfile. */
  ValidateResult validate(ValidateRequest request);

  /** Builds the compendium's image with no network and tags it with the job id. */
  CompileResult compile(CompileRequest request);

  /** Runs the image in a fenced container with no network and records its exit code and log. */
  ExecuteResult execute(ExecuteRequest request);

  /** Removes the container, uploads the working directory and logs, and deletes local scratch space. */
  CleanupResult cleanup(CleanupRequest request);

  record ValidateRequest(String jobId, String compendiumId) {}

  record ValidateResult(int fileCount, long totalBytes, String text) {}

  record CompileRequest(String jobId) {}

  record CompileResult(String imageId, String imageTag, String text) {}

  record ExecuteRequest(String jobId, String imageTag) {}

  record ExecuteResult(int exitCode, String text) {}

  record CleanupRequest(String jobId) {}

  record CleanupResult(int uploadedFiles, long uploadedBytes, String text) {}
}
