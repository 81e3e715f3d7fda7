package io.reprise.api.jobs;

import java.util.function.LongSupplier;

/**
 * How many requests a second this API lets itself send to Temporal for reads: a token bucket that holds one second
 * of requests, so a burst after a quiet while passes and a steady stream above the rate does not. Zero or less:
 * no limit.
 */
final class ReadBudget {

  private static final double NANOS = 1_000_000_000d;

  private final double perSecond;
  private final LongSupplier clock;
  private double tokens;
  private long last;

  ReadBudget(double perSecond, LongSupplier clock) {
    this.perSecond = perSecond;
    this.clock = clock;
    this.tokens = Math.max(1, perSecond);
    this.last = clock.getAsLong();
  }

  /** Takes one request's place, or answers false when the second's budget is spent. */
  synchronized boolean tryTake() {
    if (perSecond <= 0) {
      return true;
    }
    long now = clock.getAsLong();
    tokens = Math.min(Math.max(1, perSecond), tokens + (now - last) / NANOS * perSecond);
    last = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
