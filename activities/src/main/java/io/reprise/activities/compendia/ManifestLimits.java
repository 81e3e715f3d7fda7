package io.reprise.activities.compendia;

import java.time.Duration;

/** The server's defaults for a job's program and the most a compendium's reprise.yml may ask for. */
public record ManifestLimits(Duration defaultTimeout, Duration maxTimeout, long defaultMemoryBytes,
    long maxMemoryBytes, double defaultCpus, double maxCpus) {}
