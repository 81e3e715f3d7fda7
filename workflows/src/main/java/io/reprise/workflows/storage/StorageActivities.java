package io.reprise.workflows.storage;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * The storage sweep's work. {@link #expire}, {@link #sweep}, {@link #removeRegistryTags}, {@link #hosts} and
 * {@link #record} run on the shared task queue (any worker); {@link #removeJobImages} runs on each host's own
 * queue, since a job's image is in the engine of the host that built it.
 */
@ActivityInterface
public interface StorageActivities {

  /** Deletes the ended jobs whose retention passed (not the pinned ones), and the records of orphaned jobs. */
  SweepReport.ExpireResult expire(SweepRequest request);

  /**
   * Marks every blob that a job's manifest refers to and sweeps the rest: blobs in the trash that are still
   * unreferenced and were moved there before the mark began (and longer ago than the grace) are deleted, those a
   * manifest now refers to are restored; unreferenced blobs older than the grace are moved to the trash. Writes the
   * usage report (bytes per user and per compendium) as it goes.
   */
  SweepReport.BlobSweep sweep(SweepRequest request);

  /**
   * Deletes the registry tags of jobs this instance deleted (their tag is their id in the jobs repository); the
   * images themselves go with the registry's garbage collection once no tag names them.
   */
  SweepReport.RegistryTags removeRegistryTags();

  /** The worker hosts that published their engines: the hosts whose images the sweep visits. */
  List<String> hosts();

  /** On one host: removes the images {@code reprise/job-<id>} of jobs that no longer exist. */
  SweepReport.HostImages removeJobImages(String host);

  /** Stores the sweep's report for the API (the last ones are kept). */
  void record(SweepReport report);
}
