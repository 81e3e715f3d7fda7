package io.reprise.activities.jobs;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How jobs run on this worker: where their folders live, the user the program runs as, and the default fence
 * around it. Later compendia may lower these through their manifest but never raise them above the server's.
 */
public record ExecutionSettings(Path workRoot, String user, long memoryBytes, double cpus, long pidsLimit,
    Duration timeout) {

  public static ExecutionSettings defaults(Path workRoot) {
    return new ExecutionSettings(workRoot, "65534:65534", 512L * 1024 * 1024, 1.0, 256, Duration.ofMinutes(10));
  }
}
