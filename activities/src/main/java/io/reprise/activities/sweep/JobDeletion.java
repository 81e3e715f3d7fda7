package io.reprise.activities.sweep;

import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.StoredObject;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Deletes a job: its workflow from Temporal, then its logs and records (everything under {@code jobs/<id>/}) and its
 * pin from the store. Its working directory's blobs stay, since other jobs may share them: the storage sweep frees
 * those no manifest refers to any more, and removes the job's image on its host. The workflow goes first, so a job
 * whose deletion stopped half-way is already a 404 and its records are an orphan the sweep deletes. The image the job
 * recorded is noted under {@code storage/deleted-images/} for the hosts' image sweep, and the job under
 * {@code storage/deleted-tags/} for the sweep that deletes its tag in the registry.
 */
public class JobDeletion {

  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** What deleting a job removed from the store. */
  public record Deleted(String jobId, int objects, long bytes) {}

  private final ArtifactStore store;
  private final JobDirectory directory;

  public JobDeletion(ArtifactStore store, JobDirectory directory) {
    this.store = store;
    this.directory = directory;
  }

  public Deleted delete(String jobId) {
    check(jobId);
    directory.delete(jobId);
    return deleteRecords(jobId);
  }

  /**
   * Deletes the job's objects under its prefix and its pin; the workflow is not touched. First it records the
   * image the job ran (from its provenance.json), for the hosts' image sweep.
   */
  public Deleted deleteRecords(String jobId) {
    check(jobId);
    recordImage(jobId);
    writeRecord(StoreKeys.deletedTag(jobId), Map.of("job_id", jobId));
    int objects = 0;
    long bytes = 0;
    for (StoredObject object : store.list(StoreKeys.jobPrefix(jobId))) {
      store.delete(object.key());
      objects++;
      bytes += object.size();
    }
    store.delete(StoreKeys.pin(jobId));
    return new Deleted(jobId, objects, bytes);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private void recordImage(String jobId) {
    Optional<InputStream> provenance = store.open(StoreKeys.jobFile(jobId, "provenance.json"));
    if (provenance.isEmpty()) {
      return;
    }
    String imageId;
    try (InputStream in = provenance.get()) {
      imageId = JSON.readTree(in).path("image_id").asText(null);
    } catch (IOException e) {
      return;   // an unreadable record names no image: the tag stays, as for a job that built none
    }
    if (imageId == null || !imageId.startsWith("sha256:")) {
      return;
    }
    writeRecord(StoreKeys.deletedImage(jobId), Map.of("job_id", jobId, "image_id", imageId));
  }

  private void writeRecord(String key, Map<String, String> fields) {
    try {
      byte[] record = JSON.writeValueAsBytes(fields);
      store.put(key, new ByteArrayInputStream(record), record.length, "application/json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void check(String jobId) {
    if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException("not a job id: " + jobId);
    }
  }
}
