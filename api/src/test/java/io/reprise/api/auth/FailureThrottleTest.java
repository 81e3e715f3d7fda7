package io.reprise.api.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailureThrottleTest {

  @Test
  void theTenthFailureInAMinuteBlocksTheAddressUntilTheOldestLeavesTheWindow() {
    TokenStoreTest.Hand clock = new TokenStoreTest.Hand();
    FailureThrottle throttle = new FailureThrottle(10, Duration.ofMinutes(1), clock);
    for (int i = 0; i < 9; i++) {
      throttle.failed("127.0.0.2");
      clock.now = clock.now.plusSeconds(1);
    }
    assertEquals(Optional.empty(), throttle.blocked("127.0.0.2"));

    throttle.failed("127.0.0.2");

    // The first failure was 9 s ago: it leaves the window in 51 s.
    assertEquals(Optional.of(Duration.ofSeconds(51)), throttle.blocked("127.0.0.2"));
    assertEquals(Optional.empty(), throttle.blocked("127.0.0.3"));
    clock.now = clock.now.plusSeconds(51);
    assertEquals(Optional.empty(), throttle.blocked("127.0.0.2"));
  }

  @Test
  void failuresOlderThanTheWindowDoNotCount() {
    TokenStoreTest.Hand clock = new TokenStoreTest.Hand();
    FailureThrottle throttle = new FailureThrottle(3, Duration.ofMinutes(1), clock);
    throttle.failed("a");
    throttle.failed("a");
    clock.now = clock.now.plusSeconds(61);
    throttle.failed("a");
    assertEquals(Optional.empty(), throttle.blocked("a"));
  }

  @Test
  void aHundredThousandAddressesKeepTheMemoryAtItsBound() {
    TokenStoreTest.Hand clock = new TokenStoreTest.Hand();
    FailureThrottle throttle = new FailureThrottle(10, Duration.ofMinutes(1), clock);
    for (int i = 0; i < 10; i++) {
      throttle.failed("10.0.0.1");
    }
    for (int i = 0; i < 100_000; i++) {
      throttle.failed("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255) + "x");
      if (i % 1000 == 0) {
        // The guesser that keeps failing stays remembered, and blocked.
        throttle.failed("10.0.0.1");
      }
      assertTrue(throttle.addresses() <= FailureThrottle.MAX_ADDRESSES, i + ": " + throttle.addresses());
    }
    assertEquals(FailureThrottle.MAX_ADDRESSES, throttle.addresses());
    assertTrue(throttle.blocked("10.0.0.1").isPresent());
  }
}
