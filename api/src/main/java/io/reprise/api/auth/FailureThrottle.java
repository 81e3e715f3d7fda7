package io.reprise.api.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing: a client address that presented {@code limit} wrong tokens within the window gets 429 for
 * every token it presents until the oldest of those failures leaves the window. Counted per remote address, in
 * memory, per API process.
 */
public final class FailureThrottle {

  private static final int MAX_ADDRESSES = 10_000;

  private final int limit;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

  public FailureThrottle(int limit, Duration window) {
    this(limit, window, Clock.systemUTC());
  }

  FailureThrottle(int limit, Duration window, Clock clock) {
    this.limit = limit;
    this.window = window;
    this.clock = clock;
  }

  /** How long the address must wait, when it has failed too often; empty when it may try. */
  public Optional<Duration> blocked(String address) {
    Deque<Instant> times = failures.get(address);
    if (times == null) {
      return Optional.empty();
    }
    synchronized (times) {
      Instant now = clock.instant();
      prune(times, now);
      if (times.size() < limit) {
        return Optional.empty();
      }
      Duration wait = Duration.between(now, times.peekFirst().plus(window));
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    }
  }

  /** Counts a wrong token from the address. */
  public void failed(String address) {
    if (failures.size() >= MAX_ADDRESSES && !failures.containsKey(address)) {
      Instant now = clock.instant();
      failures.values().removeIf(times -> {
        synchronized (times) {
          prune(times, now);
          return times.isEmpty();
        }
      });
    }
    Deque<Instant> times = failures.computeIfAbsent(address, key -> new ArrayDeque<>());
    synchronized (times) {
      Instant now = clock.instant();
      prune(times, now);
      times.addLast(now);
      // Only the newest failures matter.
      while (times.size() > limit) {
        times.removeFirst();
      }
    }
  }

  private void prune(Deque<Instant> times, Instant now) {
    Instant oldest = now.minus(window);
    while (!times.isEmpty() && !times.peekFirst().isAfter(oldest)) {
      times.removeFirst();
    }
  }
}
