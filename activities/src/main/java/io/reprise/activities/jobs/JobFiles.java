package io.reprise.activities.jobs;

import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A job's stored files as one folder, wherever their bytes live: the working directory's files through the job's
 * manifest and the content-addressed blobs it points at, logs and records under the job's own prefix. Paths are
 * relative to the job: {@code work/results/summary.txt}, {@code logs/execute.log}, {@code manifest.json}.
 */
public class JobFiles {

  /** The folder of the working directory among a job's files. */
  public static final String WORK = "work/";

  private final ArtifactStore store;

  public JobFiles(ArtifactStore store) {
    this.store = store;
  }

  /** One file of a job: its path below the job, size, and the store key that holds its bytes. */
  public record JobFile(String path, long size, String key) {}

  /** The manifest cleanup stored; empty while the job has not been cleaned up (or for an unknown job). */
  public Optional<FileManifest> manifest(String jobId) {
    return store.open(StoreKeys.jobManifest(jobId)).map(in -> {
      try (in) {
        return FileManifest.JSON.readValue(in, FileManifest.class);
      } catch (IOException e) {
        throw new UncheckedIOException("the manifest of job " + jobId + " is unreadable", e);
      }
    });
  }

  /** Every file of the job, in path order. */
  public List<JobFile> list(String jobId) {
    Map<String, JobFile> files = new TreeMap<>();
    String prefix = StoreKeys.jobPrefix(jobId);
    for (StoredObject object : store.list(prefix)) {
      String path = object.key().substring(prefix.length());
      files.put(path, new JobFile(path, object.size(), object.key()));
    }
    manifest(jobId).ifPresent(manifest -> manifest.files().forEach(entry -> files.putIfAbsent(
        WORK + entry.path(), new JobFile(WORK + entry.path(), entry.size(), StoreKeys.blob(entry.sha256())))));
    return List.copyOf(files.values());
  }

  /** Where one file's bytes are; empty when the job has no such file. */
  public Optional<JobFile> locate(String jobId, String path) {
    if (path.startsWith(WORK)) {
      String inWork = path.substring(WORK.length());
      Optional<FileManifest.Entry> entry = manifest(jobId).flatMap(m -> m.file(inWork));
      if (entry.isPresent()) {
        return locate(jobId, entry.get());
      }
    }
    return stored(jobId, path);
  }

  /** Where the bytes of a working-directory file are, for a caller that holds the job's manifest already. */
  public Optional<JobFile> locate(String jobId, FileManifest.Entry entry) {
    String blob = StoreKeys.blob(entry.sha256());
    if (store.stat(blob).isPresent()) {
      return Optional.of(new JobFile(WORK + entry.path(), entry.size(), blob));
    }
    // A sweep that raced the job's cleanup moved the blob to the trash; the next sweep takes it back.
    String trash = StoreKeys.trash(entry.sha256());
    if (store.stat(trash).isPresent()) {
      return Optional.of(new JobFile(WORK + entry.path(), entry.size(), trash));
    }
    // The working directories of jobs stored before blobs existed.
    return stored(jobId, WORK + entry.path());
  }

  /** A file under the job's own prefix: logs and records, and working directories stored before blobs. */
  private Optional<JobFile> stored(String jobId, String path) {
    // No log or record has a part with outer spaces (" ..", "x "), and a store may trim a key's parts: such a path
    // is a working-directory file, found through the manifest above, or nothing; never a key of its own.
    for (String part : path.split("/")) {
      if (!part.equals(part.strip())) {
        return Optional.empty();
      }
    }
    String key = StoreKeys.jobFile(jobId, path);
    return store.stat(key).map(object -> new JobFile(path, object.size(), key));
  }

  /** Opens one file of the job; empty when there is no such file. */
  public Optional<InputStream> open(String jobId, String path) {
    return locate(jobId, path).flatMap(file -> store.open(file.key()));
  }

  /** Opens one working-directory file of the job's manifest; empty when its bytes are not stored. */
  public Optional<InputStream> open(String jobId, FileManifest.Entry entry) {
    return locate(jobId, entry).flatMap(file -> store.open(file.key()));
  }
}
