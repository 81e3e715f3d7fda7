package io.reprise.activities.compendia;

import java.time.Duration;

/**
 * The server's defaults for a job's program and the most a compendium's reprise.yml may ask for. A disk limit of 0
 * means the server enforces none.
 */
public record ManifestLimits(Duration defaultTimeout, Duration maxTimeout, long defaultMemoryBytes,
    long maxMemoryBytes, double defaultCpus, double maxCpus, long defaultDiskBytes, long maxDiskBytes) {

  public ManifestLimits(Duration defaultTimeout, Duration maxTimeout, long defaultMemoryBytes, long maxMemoryBytes,
      double defaultCpus, double maxCpus) {
    this(defaultTimeout, maxTimeout, defaultMemoryBytes, maxMemoryBytes, defaultCpus, maxCpus, 0, 0);
  }
}
