package io.reprise.activities.jobs;

/**
 * What the job activities tell the worker's metrics as they run: how a program ended, how many log bytes a step
 * kept, and how many bytes cleanup added to the store or found there already. An interface without Micrometer, so
 * the activities (which the API depends on too) stay free of a metrics library; the worker implements it with
 * Micrometer. Implementations must be cheap and must never throw: a metric must not fail a job.
 */
public interface JobMetrics {

  /** Records nothing: tests, and callers that keep no metrics. */
  JobMetrics NONE = new JobMetrics() {
    @Override
    public void programEnded(int exitCode, ProgramEnd end) {}

    @Override
    public void logKept(String step, long bytes) {}

    @Override
    public void stored(long addedBytes, long reusedBytes) {}
  };

  /** Why a program's container stopped, beside its exit code. */
  enum ProgramEnd {
    /** The program ended by itself (any exit code). */
    EXITED,
    /** Stopped at its time limit. */
    TIMED_OUT,
    /** Killed by the kernel for its memory limit. */
    OUT_OF_MEMORY,
    /** It filled the disk it may write to /work. */
    DISK_FULL
  }

  /** A program's container stopped with this exit code. */
  void programEnded(int exitCode, ProgramEnd end);

  /** A step's log on this worker holds this many bytes (what is kept, up to the step's log limit). */
  void logKept(String step, long bytes);

  /** Cleanup stored a job's working directory: bytes uploaded as new blobs, and bytes the store already held. */
  void stored(long addedBytes, long reusedBytes);
}
