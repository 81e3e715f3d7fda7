package io.reprise.activities.sweep;

import io.reprise.activities.TestStack;
import io.reprise.activities.jobs.FileManifest;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.StoredObject;
import io.reprise.workflows.storage.SweepReport;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What a sweep costs on the real MinIO: bench/sweep runs it (it is no test: Surefire picks it only by name). A
 * bucket of its own gets JOBS jobs of FILES files each (a tenth of each job's files shared by all jobs) and LOOSE
 * blobs no manifest names; then two sweeps with no grace: the first marks and moves the loose blobs to the trash,
 * the second frees them. Prints each sweep's figures.
 */
class StorageSweepBench {

  private static int setting(String name, int fallback) {
    return Integer.parseInt(System.getProperty(name, String.valueOf(fallback)));
  }

  @Test
  void sweep() throws Exception {
    int jobs = setting("bench.jobs", 500);
    int files = setting("bench.files", 20);
    int loose = setting("bench.loose", 2000);
    MinioArtifactStore store = MinioArtifactStore.connect(TestStack.minio("reprise-sweep-bench"));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> work = new ArrayList<>();
    for (StoredObject object : store.list("")) {
      work.add(pool.submit(() -> store.delete(object.key())));
    }
    for (Future<?> done : work) {
      done.get();
    }
    work.clear();
    FakeDirectory directory = new FakeDirectory();
    Path dir = Files.createTempDirectory("sweep-bench");
    for (int j = 0; j < jobs; j++) {
      String jobId = "bench" + j;
      directory.jobs.put(jobId, new JobDirectory.Job(jobId, "user" + (j % 10), "c" + (j % 25), "success",
          Instant.now()));
      List<FileManifest.Entry> entries = new ArrayList<>();
      for (int f = 0; f < files; f++) {
        String content = f < files / 10 ? "shared input " + f : "job " + j + " file " + f;
        byte[] bytes = (content + " ".repeat(1024)).getBytes(StandardCharsets.UTF_8);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        entries.add(new FileManifest.Entry("f" + f, bytes.length, hash, true));
        work.add(pool.submit(() -> store.put(StoreKeys.blob(hash), new ByteArrayInputStream(bytes), bytes.length,
            "text/plain")));
      }
      Path manifest = dir.resolve(jobId + ".json");
      new FileManifest(entries).write(manifest);
      work.add(pool.submit(() -> store.put(StoreKeys.jobManifest(jobId), manifest, "application/json")));
    }
    for (int i = 0; i < loose; i++) {
      byte[] bytes = ("loose " + i + " ".repeat(4096)).getBytes(StandardCharsets.UTF_8);
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      work.add(pool.submit(() -> store.put(StoreKeys.blob(hash), new ByteArrayInputStream(bytes), bytes.length,
          "text/plain")));
    }
    for (Future<?> done : work) {
      done.get();
    }
    pool.shutdown();
    Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(2));
    System.out.printf("store: %d jobs of %d files (%d shared by all), %d loose blobs%n", jobs, files, files / 10,
        loose);
    for (String which : List.of("first sweep (marks, trashes the loose blobs)", "second sweep (frees them)")) {
      long start = System.nanoTime();
      SweepReport.BlobSweep sweep = new StorageSweeper(store, directory, ahead).sweep(Duration.ZERO, "bench",
          () -> { });
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("%s: %d ms; manifests %d, scanned %d objects (%d bytes), marked %d, trashed %d (%d bytes), "
          + "freed %d (%d bytes)%n", which, millis, sweep.manifests(), sweep.scanned(), sweep.scannedBytes(),
          sweep.marked(), sweep.trashed(), sweep.trashedBytes(), sweep.freed(), sweep.freedBytes());
    }
  }

  /** Every job exists. */
  static final class FakeDirectory implements JobDirectory {
    final java.util.Map<String, Job> jobs = new java.util.HashMap<>();

    @Override
    public void forEach(java.util.function.Consumer<Job> job) {
      jobs.values().forEach(job);
    }

    @Override
    public List<Job> endedBefore(String status, Instant cutoff, int limit) {
      return List.of();
    }

    @Override
    public boolean exists(String jobId) {
      return jobs.containsKey(jobId);
    }

    @Override
    public boolean running(String jobId) {
      return jobs.containsKey(jobId) && jobs.get(jobId).closed() == null;
    }

    @Override
    public void delete(String jobId) {
      jobs.remove(jobId);
    }
  }
}
