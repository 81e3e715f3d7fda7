package io.reprise.api.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.reprise.api.web.ApiException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * What job views read from Temporal, shared (README "Reads"). An ended job never changes: what its view is made of
 * is read once and kept. A running job's is shared by every reader for a short freshness window, one read at a
 * time per job. The re-runs of a job, which keep coming after it ended, are kept for a few seconds. And what the
 * API asks Temporal for reads is held under a budget of its own, so that readers leave the namespace's rate to the
 * workers: past it a read answers 429 with Retry-After rather than waiting or failing as "unavailable".
 */
@Component
public class JobReads {

  /** The freshness windows and budgets; zero budget means no limit. */
  public record Settings(int endedJobs, long freshMillis, long rerunsFreshMillis, double describesPerSecond,
      double queriesPerSecond, long endedKeepSeconds) {

    public Settings(int endedJobs, long freshMillis, long rerunsFreshMillis, double describesPerSecond,
        double queriesPerSecond) {
      this(endedJobs, freshMillis, rerunsFreshMillis, describesPerSecond, queriesPerSecond, 60);
    }

    /** The defaults of application.yml. */
    public static Settings defaults() {
      return new Settings(10_000, 1000, 2000, 200, 40, 60);
    }
  }

  /** What a job view is made of, as read from Temporal and the store at one moment. */
  record Snapshot(String jobId, String compendiumId, String owner, io.reprise.workflows.jobs.JobState state,
      Map<String, String> liveTails, Actors.Actor actor, String cancelledBy, Integer priority, String created,
      boolean closed, List<JobView.FileView> files) {}

  private final SharedReads<Snapshot> snapshots;
  private final SharedReads<List<String>> reruns;
  private final ReadBudget describes;
  private final ReadBudget queries;
  private final Counter fromTemporal;
  private final Counter fromCache;
  private final Counter refused;

  @Autowired
  JobReads(@Value("${reprise.reads.ended-jobs:10000}") int endedJobs,
      @Value("${reprise.reads.fresh-millis:1000}") long freshMillis,
      @Value("${reprise.reads.reruns-fresh-millis:2000}") long rerunsFreshMillis,
      @Value("${reprise.reads.describes-per-second:200}") double describesPerSecond,
      @Value("${reprise.reads.queries-per-second:40}") double queriesPerSecond,
      @Value("${reprise.reads.ended-keep-seconds:60}") long endedKeepSeconds,
      ObjectProvider<MeterRegistry> meters) {
    this(new Settings(endedJobs, freshMillis, rerunsFreshMillis, describesPerSecond, queriesPerSecond,
        endedKeepSeconds), meters.getIfAvailable());
  }

  public JobReads(Settings settings, MeterRegistry registry) {
    this(settings, registry, System::nanoTime);
  }

  /** With a clock of nanoseconds, as {@link System#nanoTime}. */
  JobReads(Settings settings, MeterRegistry registry, java.util.function.LongSupplier clock) {
    // An ended job is read again after endedKeepSeconds: a storage sweep may have deleted it (retention) on
    // another process, and this API must not show it for ever. A deletion through this API forgets it at once.
    this.snapshots = new SharedReads<>(TimeUnit.MILLISECONDS.toNanos(settings.freshMillis()), settings.endedJobs(),
        TimeUnit.SECONDS.toNanos(settings.endedKeepSeconds()), Snapshot::closed, clock);
    // Re-runs are never settled: a new one may start at any time.
    this.reruns = new SharedReads<>(TimeUnit.MILLISECONDS.toNanos(settings.rerunsFreshMillis()),
        0, ids -> false, clock);
    this.describes = new ReadBudget(settings.describesPerSecond(), clock);
    this.queries = new ReadBudget(settings.queriesPerSecond(), clock);
    MeterRegistry meters = registry != null ? registry : new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    this.fromTemporal = Counter.builder("reprise.job.view.reads").tag("source", "temporal")
        .description("Job views (and visibility checks) by where their job was read from: temporal when the read "
            + "asked Temporal, cache when it was served from what the API keeps or shared another read's")
        .register(meters);
    this.fromCache = Counter.builder("reprise.job.view.reads").tag("source", "cache")
        .description("Job views (and visibility checks) by where their job was read from: temporal when the read "
            + "asked Temporal, cache when it was served from what the API keeps or shared another read's")
        .register(meters);
    this.refused = Counter.builder("reprise.temporal.reads.refused")
        .description("Reads this API did not send to Temporal because its own read budget was spent (answered 429)")
        .register(meters);
  }

  /** The job's snapshot: kept, fresh, shared with a read under way, or read now through the loader. */
  Snapshot snapshot(String jobId, Function<String, Snapshot> loader) {
    SharedReads.Read<Snapshot> read = snapshots.get(jobId, loader);
    (read.loaded() ? fromTemporal : fromCache).increment();
    return read.value();
  }

  /**
   * The re-runs of a job as a query answers them, for a key that names the job and whom the query is for; the
   * last known answer when a new one cannot be had (Temporal busy or the budget spent), else the error.
   */
  List<String> reruns(String jobId, String viewer, Supplier<List<String>> query) {
    String key = jobId + "\n" + (viewer == null ? "" : viewer);
    try {
      return reruns.get(key, k -> {
        takeQuery();
        return List.copyOf(query.get());
      }).value();
    } catch (RuntimeException e) {
      return reruns.last(key).orElseThrow(() -> e);
    }
  }

  /**
   * The job's workflow closed (a waiter heard it from Temporal): a snapshot kept from while it ran is dropped, so
   * the next view reads the ended job; an ended snapshot already read stays.
   */
  void ended(String jobId) {
    if (snapshots.last(jobId).map(snapshot -> !snapshot.closed()).orElse(false)) {
      snapshots.forget(jobId::equals);
    }
  }

  /** A re-run of the job was started here: the next view of the job asks again. */
  void rerunStarted(String jobId) {
    reruns.forget(key -> key.startsWith(jobId + "\n"));
  }

  /**
   * Forgets all that is kept of a job, for whoever deletes one: its next read asks Temporal, and answers 404 when
   * the workflow is gone.
   */
  public void forget(String jobId) {
    snapshots.forget(jobId::equals);
    rerunStarted(jobId);
  }

  /** Takes a place in the describe budget, or refuses the read with 429. */
  void takeDescribe() {
    if (!describes.tryTake()) {
      throw busy();
    }
  }

  private void takeQuery() {
    if (!queries.tryTake()) {
      throw busy();
    }
  }

  private ApiException busy() {
    refused.increment();
    return tooManyReads();
  }

  /** The answer when reads are over a limit, this API's or Temporal's: 429, try again in a second. */
  public static ApiException tooManyReads() {
    return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too many reads at once; try again in a second",
        Map.of(HttpHeaders.RETRY_AFTER, "1"));
  }

  /**
   * Whether the error is a refusal over a limit (this API's read budget, or Temporal's RESOURCE_EXHAUSTED, wrapped
   * or not) rather than a failure: the read may simply be tried again a second later.
   */
  static boolean overLimit(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof ApiException api && api.status() == HttpStatus.TOO_MANY_REQUESTS) {
        return true;
      }
      if (cause instanceof io.grpc.StatusRuntimeException grpc) {
        return grpc.getStatus().getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED;
      }
    }
    return false;
  }

  /** How many ended jobs are kept, for tests. */
  int endedKept() {
    return snapshots.settledCount();
  }
}
