package io.reprise.activities.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A retried execute that finds its program running gives it what is left of the limit, not a new limit. */
class TimeLimitTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void aContainerStartedEightSecondsAgoHasTwoOfItsTenLeft() {
    assertEquals(Duration.ofSeconds(2),
        DockerContainerEngine.remaining("2026-11-25T09:59:52Z", true, Duration.ofSeconds(10), NOW));
  }

  @Test
  void aContainerPastItsLimitHasNothingLeft() {
    assertEquals(Duration.ZERO,
        DockerContainerEngine.remaining("2026-11-25T09:00:00Z", true, Duration.ofSeconds(10), NOW));
  }

  @Test
  void aNewContainerHasTheWholeLimit() {
    assertEquals(Duration.ofSeconds(10), DockerContainerEngine.remaining(null, false, Duration.ofSeconds(10), NOW));
    assertEquals(Duration.ofSeconds(10),
        DockerContainerEngine.remaining("0001-01-01T00:00:00Z", false, Duration.ofSeconds(10), NOW));
  }
}
