package io.reprise.activities.jobs;

import io.reprise.activities.compendia.ManifestLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How jobs run on this worker: where their folders live, the task queue that reaches this worker, the user the
 * program runs as, the default fence around it and the most a compendium may ask for, and whether cleanup keeps
 * job images (re-runs need them).
 */
public record ExecutionSettings(Path workRoot, String workerQueue, String user, long pidsLimit,
    ManifestLimits limits, boolean removeImages) {

  public static ExecutionSettings defaults(Path workRoot, String workerQueue) {
    return new ExecutionSettings(workRoot, workerQueue, "65534:65534", 256,
        new ManifestLimits(Duration.ofMinutes(10), Duration.ofHours(6), 512L << 20, 8L << 30, 1.0, 2.0), false);
  }
}
