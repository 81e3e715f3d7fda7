package io.reprise.workflows.storage;

import java.util.Map;

/**
 * What a sweep is asked to do. Null fields take the worker's settings at the time the sweep runs, so the
 * schedule's runs follow a changed configuration without the schedule being changed.
 *
 * @param retentionSeconds per job status ({@code success}, {@code failure}), how long after its end an ended job
 *     is kept; a status absent from the map (or a null map) keeps the worker's setting; 0 or less keeps it forever
 * @param graceSeconds how old an unreferenced blob (or one in the trash) must be before the sweep moves (or frees)
 *     it; null for the worker's setting
 * @param trigger who asked: {@code schedule}, or {@code api:<user>}
 */
public record SweepRequest(Map<String, Long> retentionSeconds, Long graceSeconds, String trigger) {

  public static SweepRequest scheduled() {
    return new SweepRequest(null, null, "schedule");
  }
}
