package io.reprise.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reprise.activities.jobs.JobMetrics.ProgramEnd;
import org.junit.jupiter.api.Test;

/** The meters the job activities feed: exit codes, log bytes, and storage bytes added and reused. */
class MicrometerJobMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MicrometerJobMetrics metrics = new MicrometerJobMetrics(registry);

  private double exits(String code, String end) {
    return registry.get(MicrometerJobMetrics.EXIT).tags("code", code, "end", end).counter().count();
  }

  @Test
  void programsAreCountedByExitCodeAndHowTheyEnded() {
    metrics.programEnded(0, ProgramEnd.EXITED);
    metrics.programEnded(0, ProgramEnd.EXITED);
    metrics.programEnded(3, ProgramEnd.EXITED);
    metrics.programEnded(137, ProgramEnd.OUT_OF_MEMORY);

    assertEquals(2, exits("0", "exited"));
    assertEquals(1, exits("3", "exited"));
    assertEquals(1, exits("137", "out_of_memory"));
    assertNull(registry.find(MicrometerJobMetrics.EXIT).tags("code", "137", "end", "exited").counter());
  }

  @Test
  void codesOutsideWhatAProcessCanReturnShareOneTagValue() {
    metrics.programEnded(-1, ProgramEnd.TIMED_OUT);
    metrics.programEnded(4096, ProgramEnd.EXITED);

    assertEquals(1, exits("other", "timed_out"));
    assertEquals(1, exits("other", "exited"));
  }

  @Test
  void logBytesAddUpPerStep() {
    metrics.logKept("execute", 100);
    metrics.logKept("execute", 23);
    metrics.logKept("compile", 7);

    assertEquals(123, registry.get(MicrometerJobMetrics.LOG_BYTES).tag("step", "execute").counter().count());
    assertEquals(7, registry.get(MicrometerJobMetrics.LOG_BYTES).tag("step", "compile").counter().count());
  }

  @Test
  void storedBytesAreSplitIntoAddedAndReused() {
    metrics.stored(1000, 0);
    metrics.stored(10, 990);

    assertEquals(1010, registry.get(MicrometerJobMetrics.STORAGE_BYTES).tag("kind", "added").counter().count());
    assertEquals(990, registry.get(MicrometerJobMetrics.STORAGE_BYTES).tag("kind", "reused").counter().count());
  }
}
