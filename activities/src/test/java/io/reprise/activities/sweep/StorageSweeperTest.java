package io.reprise.activities.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.TestStack;
import io.reprise.activities.files.Sha256;
import io.reprise.activities.jobs.FileManifest;
import io.reprise.activities.jobs.JobFiles;
import io.reprise.activities.storage.BlobStore;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.StoredObject;
import io.reprise.workflows.storage.SweepReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention and the mark-and-sweep on the real MinIO, in a bucket of their own (a sweep frees whatever no manifest
 * names), with Temporal's part played by an in-memory directory. The races are made deterministic by the sweeper's
 * hook between its mark and its sweep, where a job stores its files as cleanup does: blobs, the manifest, then the
 * check of every blob the manifest names.
 */
class StorageSweeperTest {

  private static final Duration NO_GRACE = Duration.ZERO;

  private final MinioArtifactStore store = MinioArtifactStore.connect(TestStack.minio("reprise-sweep-test"));
  private final BlobStore blobs = new BlobStore(store);
  private final FakeDirectory directory = new FakeDirectory();
  // Two seconds ahead, so that with no grace every object already stored counts as older than the mark.
  private final Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(2));

  @TempDir
  Path dir;

  /** Temporal's jobs, in memory. */
  static final class FakeDirectory implements JobDirectory {
    final Map<String, Job> jobs = new TreeMap<>();
    final List<String> deleted = new ArrayList<>();

    @Override
    public void forEach(Consumer<Job> job) {
      List.copyOf(jobs.values()).forEach(job);
    }

    @Override
    public List<Job> endedBefore(String status, Instant cutoff, int limit) {
      return jobs.values().stream().filter(job -> job.closed() != null && job.closed().isBefore(cutoff))
          .filter(job -> status.equals("success") == job.status().equals("success")).limit(limit).toList();
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
      deleted.add(jobId);
    }
  }

  @BeforeEach
  void emptyBucket() {
    for (StoredObject object : store.list("")) {
      store.delete(object.key());
    }
  }

  private StorageSweeper sweeper() {
    return new StorageSweeper(store, directory, ahead);
  }

  private Path file(String content) throws IOException {
    return Files.writeString(dir.resolve(UUID.randomUUID().toString()), content);
  }

  /** A blob stored with no job naming it (a deleted job's output). */
  private String looseBlob(String content) throws IOException {
    Path file = file(content);
    String hash = Sha256.of(file);
    blobs.put(file, hash, Files.size(file), "text/plain");
    return hash;
  }

  /** The first half of a job's cleanup: its file's blob is stored, or found stored already. */
  private FileManifest.Entry storeBlob(Path file) throws IOException {
    String hash = Sha256.of(file);
    blobs.put(file, hash, Files.size(file), "text/plain");
    return new FileManifest.Entry("results/out.txt", Files.size(file), hash, true);
  }

  /** The second half: the manifest, then (when asked) the check that every blob it names is stored. */
  private void writeManifest(String jobId, FileManifest.Entry entry, Path file, boolean check) throws IOException {
    Path manifest = dir.resolve(jobId + "-manifest.json");
    new FileManifest(List.of(entry)).write(manifest);
    store.put(StoreKeys.jobManifest(jobId), manifest, "application/json");
    if (check) {
      blobs.ensure(file, entry.sha256(), entry.size(), "text/plain");
    }
  }

  private void job(String id, String user, String compendium, String status, Instant closed) {
    directory.jobs.put(id, new JobDirectory.Job(id, user, compendium, status, closed));
  }

  private String read(String jobId) {
    try (InputStream in = new JobFiles(store).open(jobId, "work/results/out.txt").orElseThrow()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean stored(String hash) {
    return store.stat(StoreKeys.blob(hash)).isPresent();
  }

  private boolean trashed(String hash) {
    return store.stat(StoreKeys.trash(hash)).isPresent();
  }

  @Test
  void anUnreferencedBlobGoesToTheTrashAndIsFreedByTheNextSweepWhileReferencedAndYoungOnesStay() throws IOException {
    Path kept = file("kept " + UUID.randomUUID());
    job("j1", "alice", "c1", "success", Instant.now());
    writeManifest("j1", storeBlob(kept), kept, true);
    String loose = looseBlob("loose bytes, 31 bytes long.....");

    SweepReport.BlobSweep first = sweeper().sweep(NO_GRACE, "s1", () -> { });
    assertEquals(2, first.scanned());
    assertEquals(1, first.marked());
    assertEquals(1, first.trashed());
    assertEquals(31, first.trashedBytes());
    assertEquals(0, first.freed(), "nothing is freed in the sweep that found it unreferenced");
    assertTrue(trashed(loose));
    assertFalse(stored(loose));

    SweepReport.BlobSweep second = sweeper().sweep(NO_GRACE, "s2", () -> { });
    assertEquals(1, second.freed());
    assertEquals(31, second.freedBytes());
    assertFalse(trashed(loose));
    assertTrue(stored(Sha256.of(kept)));

    String young = looseBlob("young " + UUID.randomUUID());
    SweepReport.BlobSweep withGrace = new StorageSweeper(store, directory, Clock.systemUTC())
        .sweep(Duration.ofHours(1), "s3", () -> { });
    assertEquals(1, withGrace.young());
    assertEquals(0, withGrace.trashed());
    assertTrue(stored(young));
  }

  @Test
  void anUploadLeftUnderStagingForMoreThanADayIsDeletedAndAFreshOneStays() throws IOException {
    Path bytes = file("on the way " + UUID.randomUUID());
    store.put(StoreKeys.staging("in-flight"), bytes, "text/plain");
    SweepReport.BlobSweep now = sweeper().sweep(NO_GRACE, "s1", () -> { });
    assertEquals(0, now.stagingDeleted());
    assertTrue(store.stat(StoreKeys.staging("in-flight")).isPresent(), "an upload under way was deleted");

    // A day and a minute later by the sweep's clock, the worker that uploaded it has long died.
    Clock later = Clock.offset(Clock.systemUTC(), StorageSweeper.STAGING_KEPT.plusMinutes(1));
    SweepReport.BlobSweep afterADay = new StorageSweeper(store, directory, later).sweep(NO_GRACE, "s2", () -> { });
    assertEquals(1, afterADay.stagingDeleted());
    assertFalse(store.stat(StoreKeys.staging("in-flight")).isPresent());
  }

  @Test
  void aJobThatFindsAnUnreferencedBlobWhileASweepRunsKeepsIt() throws IOException {
    // The blob is old and unreferenced: a deleted job's output. A new job produces the same bytes.
    Path output = file("the same output " + UUID.randomUUID());
    String hash = looseBlob(Files.readString(output));
    job("new", "bob", "c2", "running", null);
    // The sweep's mark runs before the job's manifest exists; between the mark and the sweep, the job finds the blob
    // stored (no upload), writes its manifest and checks its blobs, which are all there still.
    SweepReport.BlobSweep racing = sweeper().afterMark(() -> {
      try {
        FileManifest.Entry entry = storeBlob(output);
        writeManifest("new", entry, output, true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).sweep(NO_GRACE, "s1", () -> { });
    assertEquals(1, racing.trashed(), "the sweep moved the blob it had found unreferenced");
    assertEquals(Files.readString(output), read("new"), "the job's file is read from the trash meanwhile");

    SweepReport.BlobSweep next = sweeper().sweep(NO_GRACE, "s2", () -> { });
    assertEquals(1, next.restored(), "the next mark sees the manifest and takes the blob back");
    assertEquals(0, next.freed());
    assertTrue(stored(hash));
    assertFalse(trashed(hash));
    assertEquals(0, sweeper().sweep(NO_GRACE, "s3", () -> { }).freed());
    assertEquals(Files.readString(output), read("new"));
  }

  @Test
  void aBlobFreedBeforeTheJobWroteItsManifestIsStoredAgainByTheCheck() throws IOException {
    Path output = file("slow job's output " + UUID.randomUUID());
    String hash = looseBlob(Files.readString(output));
    job("slow", "bob", "c2", "running", null);
    FileManifest.Entry entry = storeBlob(output);   // found stored: not uploaded
    sweeper().sweep(NO_GRACE, "s1", () -> { });    // moved to the trash
    assertEquals(1, sweeper().sweep(NO_GRACE, "s2", () -> { }).freed(), "and freed: no manifest named it");
    writeManifest("slow", entry, output, true);
    assertTrue(stored(hash), "the check after the manifest stored the blob again");
    assertEquals(Files.readString(output), read("slow"));
    assertEquals(0, sweeper().sweep(NO_GRACE, "s3", () -> { }).trashed());
  }

  @Test
  void withoutTheCheckAfterTheManifestTheSameRaceLosesTheBlob() throws IOException {
    // The control for the test above: the check is what keeps the blob.
    Path output = file("unchecked output " + UUID.randomUUID());
    String hash = looseBlob(Files.readString(output));
    job("unchecked", "bob", "c2", "running", null);
    FileManifest.Entry entry = storeBlob(output);
    sweeper().sweep(NO_GRACE, "s1", () -> { });
    sweeper().sweep(NO_GRACE, "s2", () -> { });
    writeManifest("unchecked", entry, output, false);
    assertFalse(stored(hash));
    assertFalse(trashed(hash));
  }

  @Test
  void aBlobUploadedAfterTheMarkBeganIsYoungerThanTheGraceAndStays() throws IOException {
    Path output = file("fresh output " + UUID.randomUUID());
    String[] hash = new String[1];
    job("writing", "carol", "c3", "running", null);
    SweepReport.BlobSweep sweep = new StorageSweeper(store, directory, Clock.systemUTC()).afterMark(() -> {
      try {
        hash[0] = storeBlob(output).sha256();   // uploaded; the manifest comes later
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).sweep(Duration.ofHours(1), "s1", () -> { });
    assertEquals(1, sweep.young());
    assertEquals(0, sweep.trashed());
    assertTrue(stored(hash[0]));
  }

  @Test
  void retentionExpiresEndedJobsPerStatusButKeepsPinnedOnesAndRunningOnes() throws IOException {
    Instant longAgo = Instant.now().minus(Duration.ofDays(10));
    for (String id : List.of("oldok", "oldfail", "pinned", "newok", "running")) {
      Path out = file(id + " output");
      writeManifest(id, storeBlob(out), out, true);
    }
    job("oldok", "alice", "c1", "success", longAgo);
    job("oldfail", "alice", "c1", "failure", longAgo);
    job("pinned", "alice", "c1", "success", longAgo);
    job("newok", "alice", "c1", "success", Instant.now());
    job("running", "alice", "c1", "running", null);
    byte[] pin = "{\"pinned_by\":\"audrey\"}".getBytes(StandardCharsets.UTF_8);
    store.put(StoreKeys.pin("pinned"), new ByteArrayInputStream(pin), pin.length, "application/json");

    SweepReport.ExpireResult result = sweeper().expire(Map.of("success", Duration.ofDays(7)), () -> { });
    assertEquals(Map.of("success", 1, "failure", 0), result.expired(), "failure has no retention: kept forever");
    assertEquals(1, result.pinnedKept());
    assertEquals(List.of("oldok"), directory.deleted);
    assertTrue(store.list(StoreKeys.jobPrefix("oldok")).isEmpty());
    assertFalse(store.list(StoreKeys.jobPrefix("pinned")).isEmpty());

    SweepReport.ExpireResult failures = sweeper().expire(Map.of("failure", Duration.ofDays(7)), () -> { });
    assertEquals(1, failures.expired().get("failure"));
    assertEquals(List.of("oldok", "oldfail"), directory.deleted);

    SweepReport.BlobSweep sweep = sweeper().sweep(NO_GRACE, "s1", () -> { });
    assertEquals(2, sweep.trashed(), "the expired jobs' outputs, which no other job shares");
    assertEquals(3, sweep.manifests());
  }

  @Test
  void recordsOfAJobTemporalNoLongerHasAreDeletedAndUsageIsCountedPerUserAndCompendium() throws IOException {
    Path shared = file("shared input, 24 bytes..");
    Path own = file("own output 15 b");
    job("a1", "alice", "c1", "success", Instant.now());
    job("a2", "alice", "c1", "success", Instant.now());
    job("b1", "bob", "c2", "success", Instant.now());
    writeManifest("a1", storeBlob(shared), shared, true);
    writeManifest("a2", storeBlob(shared), shared, true);
    writeManifest("b1", storeBlob(own), own, true);
    Path forgotten = file("forgotten");
    writeManifest("forgotten", storeBlob(forgotten), forgotten, true);   // no workflow

    SweepReport.BlobSweep sweep = sweeper().sweep(NO_GRACE, "s1", () -> { });
    assertEquals(1, sweep.orphans());
    assertTrue(store.list(StoreKeys.jobPrefix("forgotten")).isEmpty());
    assertEquals(1, sweep.trashed(), "the orphan's blob");
    try (InputStream in = store.open(StoreKeys.USAGE).orElseThrow()) {
      StorageSweeper.UsageReport usage = StorageSweeper.JSON.readValue(in, StorageSweeper.UsageReport.class);
      StorageSweeper.Usage alice = usage.users().get("alice");
      assertEquals(2, alice.jobs());
      assertEquals(48, alice.bytes(), "two jobs of 24 bytes");
      assertEquals(24, alice.uniqueBytes(), "one blob");
      assertEquals(15, usage.users().get("bob").bytes());
      assertEquals(2, usage.compendia().get("c1").jobs());
      assertEquals(3L, usage.totals().get("jobs"));
      assertEquals(39L, usage.totals().get("blobs_bytes"));
    }
  }
}
