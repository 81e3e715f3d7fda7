package io.reprise.workflows.jobs;

import java.util.List;

/**
 * How one job's program runs: from the compendium's reprise.yml where it says so, from the worker's defaults
 * otherwise, and never above the worker's maximums.
 *
 * @param command the command to run, or empty for the image's own CMD
 * @param outputs globs of the files the job keeps as outputs (new or changed files only)
 * @param ignore globs of output files a comparison of two runs ignores
 * @param diskBytes how much the program may write to its working directory beyond the compendium's own files; 0
 *     when the worker enforces no disk limit, null in histories from before disk limits
 */
public record RunSettings(List<String> command, long timeoutSeconds, long memoryBytes, double cpus,
    List<String> outputs, List<String> ignore, Long diskBytes) {

  public RunSettings(List<String> command, long timeoutSeconds, long memoryBytes, double cpus, List<String> outputs,
      List<String> ignore) {
    this(command, timeoutSeconds, memoryBytes, cpus, outputs, ignore, null);
  }

  /** The disk limit in bytes, 0 when there is none. */
  public long diskLimit() {
    return diskBytes == null ? 0 : diskBytes;
  }
}
