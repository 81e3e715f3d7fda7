package io.reprise.workflows.storage;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The figures of one sweep, as its workflow's result and as the API shows it.
 *
 * @param hosts what each worker host's image sweep did, or why it did not run
 * @param registry the registry tags of deleted jobs the sweep deleted; null from sweeps older than this step
 * @param millis the sweep's wall-clock time, from its start to the stored report
 */
public record SweepReport(
    String id,
    String trigger,
    String started,
    String finished,
    long millis,
    ExpireResult expire,
    BlobSweep blobs,
    List<HostImages> hosts,
    RegistryTags registry) {

  /**
   * @param expired jobs deleted because their retention passed, per status
   * @param pinnedKept jobs past their retention that were kept because an auditor or operator pinned them
   * @param retentionSeconds the retention that applied, per status (0: kept forever)
   */
  public record ExpireResult(
      @JsonProperty("expired") java.util.Map<String, Integer> expired,
      @JsonProperty("pinned_kept") int pinnedKept,
      @JsonProperty("objects_deleted") int objectsDeleted,
      @JsonProperty("bytes_deleted") long bytesDeleted,
      @JsonProperty("retention_seconds") java.util.Map<String, Long> retentionSeconds,
      @JsonProperty("more") boolean more) {}

  /**
   * @param manifests job manifests read by the mark
   * @param orphans jobs whose records were in the store but whose workflow Temporal no longer has (deleted by
   *     Temporal's own retention, or a deletion that stopped half-way): their records were deleted
   * @param scanned blobs listed in the store (blobs/ and trash/)
   * @param marked distinct blobs some manifest refers to
   * @param young unreferenced blobs kept because they are younger than the grace
   * @param trashed blobs moved to the trash: unreferenced and older than the grace (freed by a later sweep)
   * @param restored blobs taken back from the trash because a manifest written since refers to them
   * @param freed blobs deleted for good from the trash, and their bytes
   * @param scannedBytes bytes of all blobs listed
   * @param stagingDeleted uploads left under staging/ for more than a day by a worker that died before it
   *     copied them to their blob, deleted
   */
  public record BlobSweep(
      @JsonProperty("grace_seconds") long graceSeconds,
      @JsonProperty("manifests") int manifests,
      @JsonProperty("orphans") int orphans,
      @JsonProperty("scanned") int scanned,
      @JsonProperty("scanned_bytes") long scannedBytes,
      @JsonProperty("marked") int marked,
      @JsonProperty("young") int young,
      @JsonProperty("trashed") int trashed,
      @JsonProperty("trashed_bytes") long trashedBytes,
      @JsonProperty("restored") int restored,
      @JsonProperty("freed") int freed,
      @JsonProperty("freed_bytes") long freedBytes,
      @JsonProperty("millis") long millis,
      @JsonProperty("staging_deleted") int stagingDeleted) {}

  /**
   * @param registry the registry whose jobs repository was swept, or null when the instance has none
   * @param deleted tags of deleted jobs deleted from the registry (their images go with its garbage collection
   *     once no tag names them: {@code docker/stack registry-gc})
   * @param absent deleted jobs that held no tag (their build never pushed, or an earlier sweep deleted it)
   * @param waiting deleted jobs whose tag is still to be deleted (the registry did not answer: see error)
   * @param error why the registry's tags could not all be deleted, or null
   */
  public record RegistryTags(
      @JsonProperty("registry") String registry,
      @JsonProperty("deleted") int deleted,
      @JsonProperty("absent") int absent,
      @JsonProperty("waiting") int waiting,
      @JsonProperty("error") String error) {}

  /**
   * @param removed job images removed from the host's engine: their jobs no longer exist
   * @param error why the host's sweep did not run (no worker of the host answered), or null
   * @param foldersRemoved jobs whose folder a worker killed while they ran left on the host, removed (with their
   *     container and disk) once Temporal said they no longer run; null from sweeps older than this
   */
  public record HostImages(
      @JsonProperty("host") String host,
      @JsonProperty("images") int images,
      @JsonProperty("removed") List<String> removed,
      @JsonProperty("error") String error,
      @JsonProperty("folders_removed") List<String> foldersRemoved) {}
}
