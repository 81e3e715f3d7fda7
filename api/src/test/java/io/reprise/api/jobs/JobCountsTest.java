package io.reprise.api.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The jobs-by-status gauge reads cached counts, refreshes them at most every 15 s, and never waits for Temporal. */
class JobCountsTest {

  private final AtomicLong now = new AtomicLong();
  private final List<String> queries = new ArrayList<>();

  private long count(String query) {
    queries.add(query);
    return query.contains("'success'") ? 7 : query.contains("'running' AND ExecutionStatus = 'Running'") ? 2 : 1;
  }

  @Test
  void theGaugeShowsEachStatusWithTheJobListsRules() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    JobCounts counts = new JobCounts(this::count, now::get, Runnable::run);
    counts.bindTo(registry);

    // The first read starts the refresh (here at once) and shows what it found.
    assertEquals(2, registry.get("reprise.jobs").tag("status", "running").gauge().value());
    assertEquals(7, registry.get("reprise.jobs").tag("status", "success").gauge().value());
    assertEquals(1, registry.get("reprise.jobs").tag("status", "failure").gauge().value());
    assertTrue(queries.stream().allMatch(q -> q.startsWith("WorkflowType = 'JobWorkflow' AND ")), queries.toString());
    assertTrue(queries.get(2).contains("ExecutionStatus IN ('Terminated'"), "failure counts terminated jobs too");
  }

  @Test
  void temporalIsAskedAtMostOncePerFifteenSecondsWhateverTheScrapeRate() {
    JobCounts counts = new JobCounts(this::count, now::get, Runnable::run);
    for (int scrape = 0; scrape < 10; scrape++) {
      JobCounts.STATUSES.forEach(counts::read);
      now.addAndGet(Duration.ofSeconds(1).toNanos());
    }
    assertEquals(3, queries.size(), "one refresh (three counts) in the first ten seconds");

    now.addAndGet(Duration.ofSeconds(6).toNanos());
    counts.read("running");
    assertEquals(6, queries.size(), "a second refresh once the counts are older than 15 s");
  }

  @Test
  void aScrapeNeverWaitsForATemporalThatHangs() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService refresher = Executors.newSingleThreadExecutor();
    JobCounts counts = new JobCounts(query -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 5;
    }, now::get, refresher);
    try {
      assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
        for (int scrape = 0; scrape < 5; scrape++) {
          assertTrue(Double.isNaN(counts.read("success")), "no count yet: NaN, at once");
        }
      });
    } finally {
      release.countDown();
      counts.destroy();
    }
  }

  @Test
  void aFailedRefreshKeepsTheLastCounts() {
    boolean[] down = {false};
    JobCounts counts = new JobCounts(query -> {
      if (down[0]) {
        throw new IllegalStateException("UNAVAILABLE");
      }
      return 4;
    }, now::get, Runnable::run);
    assertEquals(4, counts.read("running"));

    down[0] = true;
    now.addAndGet(Duration.ofSeconds(16).toNanos());

    assertEquals(4, counts.read("running"), "the last counts stay while Temporal does not answer");
  }
}
