package io.reprise.activities.jobs;

import io.reprise.activities.compendia.ManifestLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How jobs run on this worker: where their folders live, the task queue that reaches this worker, the user the
 * program runs as, the default fence around it and the most a compendium may ask for, and whether cleanup keeps
 * job images (re-runs need them). The host wait is how long a job's later steps wait for a worker of this host
 * before the host counts as gone. The program's log keeps at most maxLogBytes.
 */
public record ExecutionSettings(Path workRoot, String workerQueue, String user, long pidsLimit,
    ManifestLimits limits, boolean removeImages, Origin origin, Duration hostWait, long maxLogBytes) {

  /** The program's log keeps this much unless the worker says otherwise (REPRISE_EXECUTE_LOG_MAX). */
  public static final long DEFAULT_MAX_LOG_BYTES = 64L << 20;


  /** What provenance records of this worker: its host, Reprise's version, the Temporal server's version. */
  public record Origin(String workerHost, String repriseVersion, String temporalServerVersion) {}
}
