package io.reprise.api.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Reads that many callers share. A value that can no longer change (a job that ended) is kept, up to a bound, the
 * least recently read going first; any other value is kept for a short freshness window. While one caller loads a
 * key, every other caller of that key waits for that load and gets its value or its error (single flight), so N
 * readers at once cause one load; when the key had a value (its window just ended, by at most
 * {@link #STALE_NANOS}), the others get that value at once instead of waiting for the newer one.
 *
 * <p>Written here rather than taken from a cache library: it needs only a map, a lock and a future, and the
 * single flight and the "settled for good" rule are the parts that matter and would be ours anyway.
 */
final class SharedReads<V> {

  /** A value and whether this call loaded it (true) or got it from another call (false). */
  record Read<V>(V value, boolean loaded) {}

  private record Fresh<V>(V value, long at) {}

  private static final int PRUNE_ABOVE = 4096;
  /** How much older than its window a value may be and still serve while a newer one is being loaded. */
  static final long STALE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

  private final long freshNanos;
  private final int maxSettled;
  private final Predicate<V> settled;
  private final LongSupplier clock;
  private final long settledNanos;
  private final Map<String, Fresh<V>> done;
  private final ConcurrentHashMap<String, Fresh<V>> fresh = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<V>> loading = new ConcurrentHashMap<>();

  /**
   * @param freshNanos how long a value that may still change is served without loading it again
   * @param maxSettled how many values that cannot change are kept
   * @param settled whether a value can no longer change
   * @param clock nanoseconds, as {@link System#nanoTime}
   */
  SharedReads(long freshNanos, int maxSettled, Predicate<V> settled, LongSupplier clock) {
    this(freshNanos, maxSettled, 0, settled, clock);
  }

  /**
   * @param settledNanos how long a value that cannot change is kept before it is loaded again (0: as long as there
   *     is room): a value that cannot change may still go away (a job that a sweep deletes), and an API that
   *     kept it would answer it for ever
   */
  SharedReads(long freshNanos, int maxSettled, long settledNanos, Predicate<V> settled, LongSupplier clock) {
    this.settledNanos = settledNanos;
    this.freshNanos = freshNanos;
    this.maxSettled = maxSettled;
    this.settled = settled;
    this.clock = clock;
    this.done = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Fresh<V>> eldest) {
        return size() > SharedReads.this.maxSettled;
      }
    };
  }

  /** The value of the key: kept, fresh, being loaded by another call, or loaded now by this one. */
  Read<V> get(String key, Function<String, V> loader) {
    V known = known(key);
    if (known != null) {
      return new Read<>(known, false);
    }
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> theirs = loading.putIfAbsent(key, mine);
    if (theirs != null) {
      // While another call loads a newer value, the one before it serves, if it is not much older than a window:
      // only the loading call waits for Temporal, not every reader of the key.
      Fresh<V> previous = fresh.get(key);
      if (previous != null && clock.getAsLong() - previous.at() < freshNanos + STALE_NANOS) {
        return new Read<>(previous.value(), false);
      }
      return new Read<>(await(theirs), false);
    }
    try {
      // Another call may have finished its load between our look and our claim: its value is as good.
      known = known(key);
      if (known != null) {
        mine.complete(known);
        return new Read<>(known, false);
      }
      long started = clock.getAsLong();
      V value;
      try {
        value = loader.apply(key);
      } catch (RuntimeException | Error e) {
        mine.completeExceptionally(e);
        throw e;
      }
      keep(key, value, started);
      mine.complete(value);
      return new Read<>(value, true);
    } finally {
      loading.remove(key, mine);
    }
  }

  /** The last value loaded for the key, however old, while it is still held; for answering when a load fails. */
  Optional<V> last(String key) {
    synchronized (done) {
      Fresh<V> kept = done.get(key);
      if (kept != null) {
        return Optional.of(kept.value());
      }
    }
    Fresh<V> entry = fresh.get(key);
    return entry == null ? Optional.empty() : Optional.of(entry.value());
  }

  /** Forgets the keys that match, kept or fresh: the next read of each loads it. */
  void forget(Predicate<String> keys) {
    synchronized (done) {
      done.keySet().removeIf(keys);
    }
    fresh.keySet().removeIf(keys);
  }

  /** How many callers wait for the key's load under way, for tests. */
  int joined(String key) {
    CompletableFuture<V> load = loading.get(key);
    return load == null ? 0 : load.getNumberOfDependents();
  }

  /** How many values that cannot change are kept. */
  int settledCount() {
    synchronized (done) {
      return done.size();
    }
  }

  private V known(String key) {
    synchronized (done) {
      Fresh<V> kept = done.get(key);
      if (kept != null && (settledNanos <= 0 || clock.getAsLong() - kept.at() < settledNanos)) {
        return kept.value();
      }
    }
    Fresh<V> entry = fresh.get(key);
    if (entry != null && clock.getAsLong() - entry.at() < freshNanos) {
      return entry.value();
    }
    return null;
  }

  private void keep(String key, V value, long loadedAt) {
    if (settled.test(value)) {
      synchronized (done) {
        done.put(key, new Fresh<>(value, loadedAt));
      }
      fresh.remove(key);
      return;
    }
    fresh.put(key, new Fresh<>(value, loadedAt));
    if (fresh.size() > PRUNE_ABOVE) {
      long now = clock.getAsLong();
      fresh.values().removeIf(entry -> now - entry.at() >= freshNanos);
    }
  }

  private static <V> V await(CompletableFuture<V> load) {
    try {
      return load.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
