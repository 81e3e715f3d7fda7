package io.reprise.worker;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The storage sweep: how long ended jobs are kept per status (zero keeps them forever), how old an unreferenced
 * blob must be before the sweep moves it to the trash (and a trashed one before it is freed), how often the
 * schedule runs it, and whether this worker makes the schedule.
 */
@ConfigurationProperties("reprise.storage")
public record StorageProperties(Duration retentionSuccess, Duration retentionFailure, Duration grace,
    Duration interval, boolean schedule) {}
