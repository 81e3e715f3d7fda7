package io.reprise.api.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows down guessing: a client address that presented {@code limit} wrong tokens within the window gets 429 for
 * every further wrong token until the oldest of those failures leaves the window; a token that verifies always
 * passes (see SecurityConfiguration). Counted per remote address, in memory, per API process. At most
 * {@code maxAddresses} addresses are remembered: a new one forgets the one that failed least recently, so memory
 * stays bounded and every call does a fixed amount of work, whatever number of addresses a guesser uses.
 */
public final class FailureThrottle {

  static final int MAX_ADDRESSES = 10_000;

  private final int limit;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Instant>> failures;

  public FailureThrottle(int limit, Duration window) {
    this(limit, window, Clock.systemUTC());
  }

  FailureThrottle(int limit, Duration window, Clock clock) {
    this(limit, window, clock, MAX_ADDRESSES);
  }

  FailureThrottle(int limit, Duration window, Clock clock, int maxAddresses) {
    this.limit = limit;
    this.window = window;
    this.clock = clock;
    // In access order: the eldest entry is the address seen least recently, and it goes first.
    this.failures = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
        return size() > maxAddresses;
      }
    };
  }

  /** How long the address must wait, when it has failed too often; empty when it may try. */
  public synchronized Optional<Duration> blocked(String address) {
    Deque<Instant> times = failures.get(address);
    if (times == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    prune(times, now);
    if (times.isEmpty()) {
      failures.remove(address);
      return Optional.empty();
    }
    if (times.size() < limit) {
      return Optional.empty();
    }
    Duration wait = Duration.between(now, times.peekFirst().plus(window));
    return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
  }

  /** Counts a wrong token from the address. */
  public synchronized void failed(String address) {
    Deque<Instant> times = failures.computeIfAbsent(address, key -> new ArrayDeque<>());
    Instant now = clock.instant();
    prune(times, now);
    times.addLast(now);
    // Only the newest failures matter.
    while (times.size() > limit) {
      times.removeFirst();
    }
  }

  /** How many addresses are remembered. */
  synchronized int addresses() {
    return failures.size();
  }

  private void prune(Deque<Instant> times, Instant now) {
    Instant oldest = now.minus(window);
    while (!times.isEmpty() && !times.peekFirst().isAfter(oldest)) {
      times.removeFirst();
    }
  }
}
