package io.reprise.activities.sweep;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** What Temporal knows of jobs, as storage needs it: which exist, whose they are, which ended when. */
public interface JobDirectory {

  /** One job workflow: its id, user, compendium, status word and when it closed (null while it runs). */
  record Job(String id, String user, String compendiumId, String status, Instant closed) {}

  /** Every job workflow of the namespace, one at a time. */
  void forEach(Consumer<Job> job);

  /**
   * Ended jobs that closed before the cutoff: with status {@code success}, or any other ({@code failure}, and
   * workflows ended from outside), at most the limit.
   */
  List<Job> endedBefore(String status, Instant cutoff, int limit);

  /** Whether the job's workflow exists (a strongly consistent read, unlike the lists above). */
  boolean exists(String jobId);

  /** Whether the job's workflow exists and still runs (a strongly consistent read). */
  boolean running(String jobId);

  /** Deletes the job's workflow and waits, a few seconds at most, until Temporal no longer shows it. */
  void delete(String jobId);
}
