package io.reprise.activities.sweep;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.reprise.activities.jobs.FileManifest;
import io.reprise.activities.jobs.JobFiles;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.StoredObject;
import io.reprise.workflows.storage.SweepReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Retention and the mark-and-sweep of blobs.
 *
 * <p>Blobs are shared: a job's cleanup finds a blob stored already and does not upload it again. So a sweep that
 * deleted an unreferenced blob at once would race a cleanup that had just found it (and would write a manifest
 * naming it a moment later). Deleting therefore goes through the trash, in two sweeps: a blob no manifest refers
 * to at the mark, and older than the grace, is moved to {@code trash/}; a later sweep deletes it from there only if
 * its own mark, which began after the move, still finds no manifest naming it, and takes it back otherwise. A
 * cleanup checks after writing its manifest that every blob it names is stored, and takes it back from the trash
 * or stores it again if a sweep moved it meanwhile. Together: a blob that a manifest names is deleted only if the
 * manifest was written after the freeing sweep's mark began, and then its cleanup's check, which comes after the
 * manifest and so after that mark and after the move, finds it missing and stores it again. Readers find a blob
 * in the trash too ({@link JobFiles}), so a job's files stay readable throughout.
 */
public class StorageSweeper {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * How long an object under staging/ may be on its way to a blob before a sweep deletes it as left behind: a
   * day, since an S3 store may date a multipart upload from its start, and a large file's upload takes a while.
   */
  public static final Duration STAGING_KEPT = Duration.ofDays(1);

  /** The most jobs one sweep expires; the rest wait for the next. */
  public static final int EXPIRE_LIMIT = 1000;

  private final ArtifactStore store;
  private final JobDirectory directory;
  private final JobDeletion deletion;
  private final JobFiles files;
  private final Clock clock;
  private Runnable afterMark = () -> { };

  public StorageSweeper(ArtifactStore store, JobDirectory directory, Clock clock) {
    this.store = store;
    this.directory = directory;
    this.deletion = new JobDeletion(store, directory);
    this.files = new JobFiles(store);
    this.clock = clock;
  }

  /** A test's hook between the mark and the sweep, to write a job while a sweep runs. */
  public StorageSweeper afterMark(Runnable hook) {
    this.afterMark = hook;
    return this;
  }

  /**
   * Deletes ended jobs whose retention passed, per status ({@code success}, {@code failure}; absent or zero keeps
   * them), unless pinned.
   */
  public SweepReport.ExpireResult expire(Map<String, Duration> retention, Runnable heartbeat) {
    Instant now = clock.instant();
    Set<String> pinned = new HashSet<>();
    for (StoredObject pin : store.list(StoreKeys.PINS_PREFIX)) {
      pinned.add(pin.key().substring(StoreKeys.PINS_PREFIX.length()).replaceFirst("\\.json$", ""));
    }
    Map<String, Integer> expired = new TreeMap<>();
    Map<String, Long> seconds = new TreeMap<>();
    int kept = 0;
    int objects = 0;
    long bytes = 0;
    int budget = EXPIRE_LIMIT;
    boolean more = false;
    for (String status : List.of("success", "failure")) {
      Duration age = retention.get(status);
      seconds.put(status, age == null || age.isNegative() ? 0 : age.toSeconds());
      expired.put(status, 0);
      if (age == null || age.isZero() || age.isNegative()) {
        continue;
      }
      // Pinned jobs come back in the list every time; asking for enough to fill the budget past them is bounded
      // by the number of pins.
      List<JobDirectory.Job> candidates = directory.endedBefore(status, now.minus(age), budget + pinned.size());
      for (JobDirectory.Job job : candidates) {
        if (pinned.contains(job.id())) {
          kept++;
          continue;
        }
        if (budget == 0) {
          more = true;
          break;
        }
        JobDeletion.Deleted deleted = deletion.delete(job.id());
        objects += deleted.objects();
        bytes += deleted.bytes();
        expired.merge(status, 1, Integer::sum);
        budget--;
        heartbeat.run();
      }
    }
    return new SweepReport.ExpireResult(expired, kept, objects, bytes, seconds, more);
  }

  /** What one user or compendium stores. */
  public record Usage(@JsonProperty("jobs") int jobs, @JsonProperty("bytes") long bytes,
      @JsonProperty("unique_bytes") long uniqueBytes, @JsonProperty("records_bytes") long recordsBytes) {}

  /** The usage report the sweep stores at {@link StoreKeys#USAGE}. */
  public record UsageReport(@JsonProperty("counted") String counted, @JsonProperty("sweep") String sweep,
      @JsonProperty("totals") Map<String, Long> totals, @JsonProperty("users") Map<String, Usage> users,
      @JsonProperty("compendia") Map<String, Usage> compendia) {}

  /** Counts toward one user's or compendium's usage; unique bytes count each blob once per owner. */
  private static final class Tally {
    int jobs;
    long bytes;
    long records;
    final Map<String, Long> blobs = new HashMap<>();

    Usage usage() {
      return new Usage(jobs, bytes, blobs.values().stream().mapToLong(Long::longValue).sum(), records);
    }
  }

  /** Marks, sweeps the trash, then moves unreferenced blobs older than the grace to the trash. */
  public SweepReport.BlobSweep sweep(Duration grace, String sweepId, Runnable heartbeat) {
    Instant markStart = clock.instant();
    Instant before = markStart.minus(grace);
    // Jobs Temporal has, listed first: a job's records exist only once its cleanup ran, long after it started.
    Map<String, JobDirectory.Job> jobs = new HashMap<>();
    directory.forEach(job -> jobs.put(job.id(), job));
    heartbeat.run();
    Map<String, List<StoredObject>> byJob = new TreeMap<>();
    for (StoredObject object : store.list(StoreKeys.JOBS_PREFIX)) {
      String rest = object.key().substring(StoreKeys.JOBS_PREFIX.length());
      int slash = rest.indexOf('/');
      if (slash > 0) {
        byJob.computeIfAbsent(rest.substring(0, slash), id -> new ArrayList<>()).add(object);
      }
    }
    Set<String> marked = new HashSet<>();
    Map<String, Long> sizes = new HashMap<>();
    Map<String, Tally> users = new TreeMap<>();
    Map<String, Tally> compendia = new TreeMap<>();
    int manifests = 0;
    int orphans = 0;
    long recordBytes = 0;
    for (Map.Entry<String, List<StoredObject>> entry : byJob.entrySet()) {
      String jobId = entry.getKey();
      JobDirectory.Job job = jobs.get(jobId);
      if (job == null && !directory.exists(jobId)) {
        // Temporal no longer has the job (its own retention deleted it, or a deletion stopped half-way): nothing
        // can show it, so its records go, and its blobs with them unless another job names them.
        deletion.deleteRecords(jobId);
        orphans++;
        continue;
      }
      long records = entry.getValue().stream().mapToLong(StoredObject::size).sum();
      recordBytes += records;
      Optional<FileManifest> manifest = files.manifest(jobId);
      long bytes = 0;
      List<Tally> owners = new ArrayList<>();
      if (job != null) {
        owners.add(users.computeIfAbsent(job.user() == null ? "" : job.user(), u -> new Tally()));
        owners.add(compendia.computeIfAbsent(job.compendiumId() == null ? "" : job.compendiumId(),
            c -> new Tally()));
      }
      if (manifest.isPresent()) {
        manifests++;
        for (FileManifest.Entry file : manifest.get().files()) {
          marked.add(file.sha256());
          sizes.put(file.sha256(), file.size());
          bytes += file.size();
          for (Tally owner : owners) {
            owner.blobs.put(file.sha256(), file.size());
          }
        }
      }
      for (Tally owner : owners) {
        owner.jobs++;
        owner.bytes += bytes;
        owner.records += records;
      }
      if (manifests % 100 == 0) {
        heartbeat.run();
      }
    }
    afterMark.run();
    int scanned = 0;
    long scannedBytes = 0;
    int restored = 0;
    int freed = 0;
    long freedBytes = 0;
    long trashBytes = 0;
    // The trash first: what this sweep moves there below waits for the next sweep's mark.
    for (StoredObject object : store.list(StoreKeys.TRASH_PREFIX)) {
      String hash = object.key().substring(StoreKeys.TRASH_PREFIX.length());
      scanned++;
      scannedBytes += object.size();
      if (marked.contains(hash)) {
        String blob = StoreKeys.blob(hash);
        if (store.stat(blob).isEmpty()) {
          store.copy(object.key(), blob);
        }
        store.delete(object.key());
        restored++;
      } else if (object.lastModified() != null && object.lastModified().isBefore(before)) {
        store.delete(object.key());
        freed++;
        freedBytes += object.size();
      } else {
        trashBytes += object.size();
      }
      if (scanned % 100 == 0) {
        heartbeat.run();
      }
    }
    int young = 0;
    int trashed = 0;
    long trashedBytes = 0;
    long blobBytes = 0;
    for (StoredObject object : store.list(StoreKeys.BLOBS_PREFIX)) {
      String hash = object.key().substring(StoreKeys.BLOBS_PREFIX.length());
      scanned++;
      scannedBytes += object.size();
      if (marked.contains(hash)) {
        blobBytes += object.size();
      } else if (object.lastModified() != null && object.lastModified().isBefore(before)) {
        store.copy(object.key(), StoreKeys.TRASH_PREFIX + hash);
        store.delete(object.key());
        trashed++;
        trashedBytes += object.size();
        trashBytes += object.size();
      } else {
        young++;
        blobBytes += object.size();
      }
      if (scanned % 100 == 0) {
        heartbeat.run();
      }
    }
    // Bytes on their way to a blob stay under staging/ for the seconds between their upload and the copy; one older
    // than a day was left by a worker that died in between, and nothing will ever read it.
    int staleStaging = 0;
    Instant staleBefore = clock.instant().minus(STAGING_KEPT);
    for (StoredObject object : store.list(StoreKeys.STAGING_PREFIX)) {
      if (object.lastModified() != null && object.lastModified().isBefore(staleBefore)) {
        store.delete(object.key());
        staleStaging++;
      }
    }
    long archives = store.list("compendia/").stream().mapToLong(StoredObject::size).sum();
    Map<String, Long> totals = new LinkedHashMap<>();
    totals.put("jobs", (long) (byJob.size() - orphans));
    totals.put("blobs_bytes", blobBytes);
    totals.put("trash_bytes", trashBytes);
    totals.put("records_bytes", recordBytes);
    totals.put("compendia_bytes", archives);
    Map<String, Usage> userUsage = new LinkedHashMap<>();
    users.forEach((user, tally) -> userUsage.put(user, tally.usage()));
    Map<String, Usage> compendiumUsage = new LinkedHashMap<>();
    compendia.forEach((id, tally) -> compendiumUsage.put(id, tally.usage()));
    writeJson(StoreKeys.USAGE, new UsageReport(clock.instant().toString(), sweepId, totals, userUsage,
        compendiumUsage));
    long millis = Duration.between(markStart, clock.instant()).toMillis();
    return new SweepReport.BlobSweep(grace.toSeconds(), manifests, orphans, scanned, scannedBytes, marked.size(),
        young, trashed, trashedBytes, restored, freed, freedBytes, millis, staleStaging);
  }

  void writeJson(String key, Object value) {
    try {
      byte[] bytes = JSON.writeValueAsBytes(value);
      store.put(key, new ByteArrayInputStream(bytes), bytes.length, "application/json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stores a sweep's report, and keeps the newest {@code keep} reports. */
  public void record(SweepReport report, int keep) {
    writeJson(StoreKeys.sweep(report.id()), report);
    List<StoredObject> reports = new ArrayList<>(store.list(StoreKeys.SWEEPS_PREFIX));
    reports.sort((a, b) -> compareTime(b, a));
    for (int i = keep; i < reports.size(); i++) {
      store.delete(reports.get(i).key());
    }
  }

  private static int compareTime(StoredObject a, StoredObject b) {
    Instant x = a.lastModified() == null ? Instant.EPOCH : a.lastModified();
    Instant y = b.lastModified() == null ? Instant.EPOCH : b.lastModified();
    int byTime = x.compareTo(y);
    return byTime != 0 ? byTime : a.key().compareTo(b.key());
  }
}
