package io.reprise.activities.jobs;

import io.reprise.activities.compendia.ManifestLimits;
import io.reprise.activities.docker.ContainerEngine.BuildLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How jobs run on this worker: where their folders live, the task queue that reaches this worker, the user the
 * program runs as, the default fence around it and the most a compendium may ask for, and whether cleanup keeps
 * job images (re-runs need them). The host wait is how long a job's later steps wait for a worker of this host
 * before the host counts as gone. Builds run within their own limits, and keep at most so many bytes of their log;
 * the program's log keeps at most maxLogBytes.
 */
public record ExecutionSettings(Path workRoot, String workerQueue, String user, long pidsLimit,
    ManifestLimits limits, boolean removeImages, Origin origin, Duration hostWait, BuildLimits buildLimits,
    long buildLogMaxBytes, long maxLogBytes) {

  // The worker's defaults (reprise.build.* in application.yml), for callers that set no build limits: 2 GiB and
  // one CPU fit a scientific image's package installs, 512 processes a parallel make, 30 minutes a large compile;
  // 16 MiB of log is far more than anyone reads and little on disk.
  public static final BuildLimits DEFAULT_BUILD_LIMITS = new BuildLimits(2L << 30, 1.0, 512, Duration.ofMinutes(30));
  public static final long DEFAULT_BUILD_LOG_MAX_BYTES = 16L << 20;

  /** The program's log keeps this much unless the worker says otherwise (REPRISE_EXECUTE_LOG_MAX). */
  public static final long DEFAULT_MAX_LOG_BYTES = 64L << 20;

  public ExecutionSettings(Path workRoot, String workerQueue, String user, long pidsLimit, ManifestLimits limits,
      boolean removeImages, Origin origin, Duration hostWait) {
    this(workRoot, workerQueue, user, pidsLimit, limits, removeImages, origin, hostWait, DEFAULT_BUILD_LIMITS,
        DEFAULT_BUILD_LOG_MAX_BYTES, DEFAULT_MAX_LOG_BYTES);
  }

  /** What provenance records of this worker: its host, Reprise's version, the Temporal server's version. */
  public record Origin(String workerHost, String repriseVersion, String temporalServerVersion) {}
}
