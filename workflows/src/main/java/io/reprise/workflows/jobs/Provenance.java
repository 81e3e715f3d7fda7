package io.reprise.workflows.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Where a job's results came from, recorded on every job and stored beside its outputs: what it ran (compendium
 * content hash, Dockerfile hash, image and base image ids, command, environment, limits) and on what (Docker
 * engine, Temporal server, Reprise version, worker host).
 *
 * <p>{@code image_repo_digest} is the image in the registry ({@code name@sha256:...}), which execute and every
 * re-run run by, on any host; {@code base_image_digest} the base image's. Both are null without a registry.
 *
 * <p>{@code outputs} and {@code ignore} are the reprise.yml settings as validate read them, before the program ran:
 * a comparison takes its ignore list from here, never from the reprise.yml stored after the run, which the program
 * could have rewritten. Both are null in provenance recorded before they existed; new fields go at the end.
 */
public record Provenance(
    @JsonProperty("compendium_content_hash") String compendiumContentHash,
    @JsonProperty("dockerfile_sha256") String dockerfileSha256,
    @JsonProperty("image_id") String imageId,
    @JsonProperty("base_image") String baseImage,
    @JsonProperty("base_image_id") String baseImageId,
    List<String> command,
    List<String> environment,
    Limits limits,
    @JsonProperty("docker_version") String dockerVersion,
    @JsonProperty("temporal_server_version") String temporalServerVersion,
    @JsonProperty("reprise_version") String repriseVersion,
    @JsonProperty("worker_host") String workerHost,
    List<String> outputs,
    List<String> ignore,
    @JsonProperty("image_repo_digest") String imageRepoDigest,
    @JsonProperty("base_image_digest") String baseImageDigest) {

  /** Provenance without registry digests (no registry configured, or recorded before registries). */
  public Provenance(String compendiumContentHash, String dockerfileSha256, String imageId, String baseImage,
      String baseImageId, List<String> command, List<String> environment, Limits limits, String dockerVersion,
      String temporalServerVersion, String repriseVersion, String workerHost, List<String> outputs,
      List<String> ignore) {
    this(compendiumContentHash, dockerfileSha256, imageId, baseImage, baseImageId, command, environment, limits,
        dockerVersion, temporalServerVersion, repriseVersion, workerHost, outputs, ignore, null, null);
  }

  /** The run's limits; disk_bytes is null for jobs from before disk limits, and 0 when none was enforced. */
  public record Limits(@JsonProperty("timeout_seconds") long timeoutSeconds,
      @JsonProperty("memory_bytes") long memoryBytes, double cpus, @JsonProperty("disk_bytes") Long diskBytes) {

    public Limits(long timeoutSeconds, long memoryBytes, double cpus) {
      this(timeoutSeconds, memoryBytes, cpus, null);
    }
  }

  /**
   * What validate learns about the compendium and the worker it runs on; baseImageDigest is the registry digest
   * of the final stage's base image (as the Dockerfile pins it, or as validate resolved its tag), null without one.
   */
  public record Origin(String compendiumContentHash, String dockerfileSha256, String dockerVersion,
      String temporalServerVersion, String repriseVersion, String workerHost, String baseImageDigest) {

    public Origin(String compendiumContentHash, String dockerfileSha256, String dockerVersion,
        String temporalServerVersion, String repriseVersion, String workerHost) {
      this(compendiumContentHash, dockerfileSha256, dockerVersion, temporalServerVersion, repriseVersion, workerHost,
          null);
    }
  }
}
