package io.reprise.workflows.jobs;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * The work a job does outside the workflow. User errors end an activity with a non-retryable failure of a
 * {@link JobFailure} type; anything else is an infrastructure error and is retried.
 *
 * <p>Validate runs on the shared task queue and answers the task queue of the worker that ran it; the job's
 * folder lives on that worker, so compile, execute and cleanup run there too.
 */
@ActivityInterface
public interface JobActivities {

  /**
   * Fetches the compendium and unpacks it safely into the job's folder; verifies a BagIt bag's checksums; reads the
   * optional reprise.yml; checks that the Dockerfile parses and that its base images are on the engine.
   */
  ValidateResult validate(ValidateRequest request);

  /** Builds the compendium's image with no network and tags it with the job id. */
  CompileResult compile(CompileRequest request);

  /** Runs the image in a fenced container with no network and records its exit code and log. */
  ExecuteResult execute(ExecuteRequest request);

  /** Removes the container, uploads the working directory, logs and file manifest, and deletes scratch space. */
  CleanupResult cleanup(CleanupRequest request);

  record ValidateRequest(String jobId, String compendiumId) {}

  /**
   * @param workerQueue the task queue of the worker that holds the job's folder
   * @param compendiumRoot the folder of the compendium inside the archive: "" or "data" for a BagIt bag
   * @param run how the program runs, after the manifest's values were capped by the server's maximums
   * @param warnings what validate accepted but a user should know (capped values); a step with warnings ends as
   *     {@code warning}
   * @param hostWaitSeconds how long the later steps wait for a worker of this host before the host counts as gone
   *     (the worker's setting; null in histories from before it existed, which means 30 minutes)
   */
  record ValidateResult(String workerQueue, String compendiumRoot, RunSettings run, int fileCount, long totalBytes,
      List<String> warnings, String text, Provenance.Origin origin, Long hostWaitSeconds) {}

  /**
   * @param reuseImageDigest with reuseImageId, the recorded image's repository digest: the engine pulls it by
   *     digest when it lacks it (another host, a removed image), and checks that it is the recorded image id
   * @param reuseImageId when set, no build: the image of that id is tagged for this job (a re-run); when null, the
   *     image is built from the Dockerfile
   */
  record CompileRequest(String jobId, String compendiumRoot, String reuseImageId, String reuseImageDigest) {

    public CompileRequest(String jobId, String compendiumRoot) {
      this(jobId, compendiumRoot, null, null);
    }

    public CompileRequest(String jobId, String compendiumRoot, String reuseImageId) {
      this(jobId, compendiumRoot, reuseImageId, null);
    }
  }

  /**
   * @param imageTag the reference execute runs: the repository digest when there is a registry, else the job's tag
   * @param imageDigest the image's repository digest in the registry ({@code name@sha256:...}); null without one
   */
  record CompileResult(String imageId, String imageTag, String baseImage, String baseImageId, String text,
      List<String> environment, String imageDigest) {

    public CompileResult(String imageId, String imageTag, String baseImage, String baseImageId, String text,
        List<String> environment) {
      this(imageId, imageTag, baseImage, baseImageId, text, environment, null);
    }
  }

  record ExecuteRequest(String jobId, String imageTag, String compendiumRoot, RunSettings run) {}

  record ExecuteResult(int exitCode, String text) {}

  /** @param provenance stored as provenance.json beside the outputs; null when the job never got that far */
  record CleanupRequest(String jobId, String compendiumRoot, List<String> outputs, Provenance provenance) {}

  /**
   * @param newBytes bytes of the working directory that were not in the store before (null in histories from
   *     before content-addressed storage)
   * @param reusedBytes bytes of the working directory already in the store, so not uploaded again
   */
  record CleanupResult(int uploadedFiles, long uploadedBytes, int outputFiles, String text, Long newBytes,
      Long reusedBytes) {}
}
