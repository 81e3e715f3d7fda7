package io.reprise.api.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.api.web.ApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** Shared reads with a clock the test moves: kept, fresh, single flight, bounded. */
class SharedReadsTest {

  private static final long WINDOW = TimeUnit.SECONDS.toNanos(1);
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final AtomicInteger loads = new AtomicInteger();
  private final ExecutorService pool = Executors.newFixedThreadPool(16);

  /** A value that says whether it has ended, as a job snapshot does. */
  private record Job(String id, boolean ended, int load) {}

  private SharedReads<Job> reads(int maxEnded) {
    return new SharedReads<>(WINDOW, maxEnded, Job::ended, now::get);
  }

  private Job load(String id, boolean ended) {
    return new Job(id, ended, loads.incrementAndGet());
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void anEndedValueIsKeptForItsKeepingTimeThenLoadedAgain() {
    SharedReads<Job> reads = new SharedReads<>(WINDOW, 10, TimeUnit.MINUTES.toNanos(10), Job::ended, now::get);
    assertEquals(1, reads.get("a", id -> load(id, true)).value().load());
    now.addAndGet(TimeUnit.MINUTES.toNanos(9));
    assertEquals(1, reads.get("a", id -> load(id, true)).value().load(), "kept within ten minutes");
    now.addAndGet(TimeUnit.MINUTES.toNanos(2));
    assertEquals(2, reads.get("a", id -> load(id, true)).value().load(), "read again after them: it may be gone");
  }

  @Test
  void sixteenReadersAtOnceCauseOneLoad() throws Exception {
    SharedReads<Job> reads = reads(10);
    CountDownLatch inLoad = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch ready = new CountDownLatch(16);
    List<Future<SharedReads.Read<Job>>> answers = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      answers.add(pool.submit(() -> {
        ready.countDown();
        return reads.get("j", id -> {
          inLoad.countDown();
          await(release);
          return load(id, false);
        });
      }));
    }
    assertTrue(ready.await(10, TimeUnit.SECONDS));
    assertTrue(inLoad.await(10, TimeUnit.SECONDS));
    release.countDown();
    int loaded = 0;
    for (Future<SharedReads.Read<Job>> answer : answers) {
      SharedReads.Read<Job> read = answer.get(10, TimeUnit.SECONDS);
      assertEquals(1, read.value().load());
      loaded += read.loaded() ? 1 : 0;
    }
    // The clock stood still: whoever came after the load took its fresh value, whoever came during it waited for it.
    assertEquals(1, loads.get());
    assertEquals(1, loaded);
  }

  @Test
  void aReaderThatJoinsALoadGetsItsValueEvenWithNoFreshnessWindow() throws Exception {
    SharedReads<Job> reads = new SharedReads<>(0, 10, Job::ended, now::get);
    CountDownLatch inLoad = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<SharedReads.Read<Job>> first = pool.submit(() -> reads.get("j", id -> {
      inLoad.countDown();
      await(release);
      return load(id, false);
    }));
    assertTrue(inLoad.await(10, TimeUnit.SECONDS));
    Future<SharedReads.Read<Job>> second = pool.submit(() -> reads.get("j", id -> load(id, false)));
    awaitJoined(reads, "j", 1);
    release.countDown();

    assertTrue(first.get(10, TimeUnit.SECONDS).loaded());
    SharedReads.Read<Job> joined = second.get(10, TimeUnit.SECONDS);
    assertEquals(1, joined.value().load());
    assertEquals(false, joined.loaded());
    assertEquals(1, loads.get());
  }

  @Test
  void whileAValueIsReloadedOtherReadersGetThePreviousOneAtOnce() throws Exception {
    SharedReads<Job> reads = reads(10);
    reads.get("j", id -> load(id, false));
    now.addAndGet(WINDOW);
    CountDownLatch inLoad = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<SharedReads.Read<Job>> refresh = pool.submit(() -> reads.get("j", id -> {
      inLoad.countDown();
      await(release);
      return load(id, false);
    }));
    assertTrue(inLoad.await(10, TimeUnit.SECONDS));

    // The load is held: a reader that waited for it would not return before the release.
    SharedReads.Read<Job> meanwhile = reads.get("j", id -> load(id, false));
    assertEquals(1, meanwhile.value().load());
    assertEquals(false, meanwhile.loaded());
    // Past the staleness bound, a reader waits for the newer value instead.
    now.addAndGet(SharedReads.STALE_NANOS);
    Future<SharedReads.Read<Job>> waiting = pool.submit(() -> reads.get("j", id -> load(id, false)));
    awaitJoined(reads, "j", 1);
    release.countDown();
    assertEquals(2, refresh.get(10, TimeUnit.SECONDS).value().load());
    assertEquals(2, waiting.get(10, TimeUnit.SECONDS).value().load());
    assertEquals(2, loads.get());
  }

  @Test
  void aFailedLoadFailsEveryReaderThatWaitedForItAndIsNotKept() throws Exception {
    SharedReads<Job> reads = reads(10);
    CountDownLatch inLoad = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<SharedReads.Read<Job>> first = pool.submit(() -> reads.get("j", id -> {
      inLoad.countDown();
      await(release);
      throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "busy");
    }));
    assertTrue(inLoad.await(10, TimeUnit.SECONDS));
    Future<SharedReads.Read<Job>> second = pool.submit(() -> reads.get("j", id -> load(id, false)));
    awaitJoined(reads, "j", 1);
    release.countDown();

    for (Future<SharedReads.Read<Job>> answer : List.of(first, second)) {
      java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
          () -> answer.get(10, TimeUnit.SECONDS));
      assertEquals(HttpStatus.TOO_MANY_REQUESTS, ((ApiException) failed.getCause()).status());
    }
    assertEquals(0, loads.get());
    // The next read loads again.
    assertEquals(1, reads.get("j", id -> load(id, false)).value().load());
  }

  @Test
  void aRunningValueIsFreshForItsWindowOnly() {
    SharedReads<Job> reads = reads(10);
    assertEquals(1, reads.get("j", id -> load(id, false)).value().load());
    now.addAndGet(WINDOW - 1);
    assertEquals(1, reads.get("j", id -> load(id, false)).value().load());
    now.addAndGet(1);
    assertEquals(2, reads.get("j", id -> load(id, false)).value().load());
  }

  @Test
  void anEndedValueIsKeptWhateverTheTime() {
    SharedReads<Job> reads = reads(10);
    Job first = reads.get("j", id -> load(id, true)).value();
    now.addAndGet(TimeUnit.DAYS.toNanos(30));
    assertSame(first, reads.get("j", id -> load(id, true)).value());
    assertEquals(1, loads.get());
    assertEquals(1, reads.settledCount());
  }

  @Test
  void endedValuesAreBoundedTheLeastRecentlyReadGoingFirst() {
    SharedReads<Job> reads = reads(2);
    reads.get("a", id -> load(id, true));
    reads.get("b", id -> load(id, true));
    reads.get("a", id -> load(id, true));
    reads.get("c", id -> load(id, true));

    assertEquals(2, reads.settledCount());
    assertEquals(3, loads.get());
    assertEquals(1, reads.get("a", id -> load(id, true)).value().load());
    assertEquals(4, reads.get("b", id -> load(id, true)).value().load());
  }

  @Test
  void theLastValueOutlivesItsWindowAndForgetDropsIt() {
    SharedReads<Job> reads = reads(10);
    reads.get("j", id -> load(id, false));
    now.addAndGet(WINDOW * 10);
    assertEquals(Optional.of(1), reads.last("j").map(Job::load));
    reads.forget("j"::equals);
    assertEquals(Optional.empty(), reads.last("j"));
    reads.get("e", id -> load(id, true));
    reads.forget("e"::equals);
    assertEquals(0, reads.settledCount());
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until that many readers wait on the key's load (they block in join, so no latch can tell it). */
  private static void awaitJoined(SharedReads<?> reads, String key, int readers) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (reads.joined(key) < readers) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(reads.joined(key) + " readers joined the load, not " + readers);
      }
      Thread.onSpinWait();
    }
  }
}
