package io.reprise.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.reprise.activities.jobs.JobMetrics;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * What the job activities report, as Micrometer meters (README "Metrics" lists them as Prometheus shows them):
 * {@code reprise.container.exit} counts programs by exit code and how they ended, {@code reprise.log.bytes} counts
 * the log bytes steps kept, and {@code reprise.storage.bytes} the bytes cleanup uploaded as new blobs or found
 * stored already. Exit codes are 0 to 255, so the code tag has at most 256 values; anything else counts as
 * "other".
 */
@Component
class MicrometerJobMetrics implements JobMetrics {

  static final String EXIT = "reprise.container.exit";
  static final String LOG_BYTES = "reprise.log.bytes";
  static final String STORAGE_BYTES = "reprise.storage.bytes";

  private final MeterRegistry registry;
  private final Counter added;
  private final Counter reused;

  MicrometerJobMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.added = storage(registry, "added", "bytes of job outputs and inputs uploaded as new blobs");
    this.reused = storage(registry, "reused", "bytes of job files whose blob was stored already, so not uploaded");
  }

  private static Counter storage(MeterRegistry registry, String kind, String description) {
    return Counter.builder(STORAGE_BYTES).baseUnit("bytes").tag("kind", kind).description(description)
        .register(registry);
  }

  @Override
  public void programEnded(int exitCode, ProgramEnd end) {
    Counter.builder(EXIT).description("programs whose container stopped, by exit code and how it ended")
        .tag("code", exitCode >= 0 && exitCode <= 255 ? Integer.toString(exitCode) : "other")
        .tag("end", end.name().toLowerCase(Locale.ROOT))
        .register(registry).increment();
  }

  @Override
  public void logKept(String step, long bytes) {
    Counter.builder(LOG_BYTES).baseUnit("bytes").description("bytes of step logs kept on this worker")
        .tag("step", step).register(registry).increment(Math.max(0, bytes));
  }

  @Override
  public void stored(long addedBytes, long reusedBytes) {
    added.increment(Math.max(0, addedBytes));
    reused.increment(Math.max(0, reusedBytes));
  }
}
