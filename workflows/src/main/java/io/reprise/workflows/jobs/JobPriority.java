package io.reprise.workflows.jobs;

import io.temporal.common.Priority;

/**
 * A job's place in the task queues: its priority (1 runs first, 5 last) and its fairness key, the user it runs for.
 * A job's workflow is started with this Temporal {@link Priority}; its activities and, for an audit, its child job
 * workflows inherit it, because Temporal hands a workflow's priority to everything it schedules that sets none.
 * So within one priority, the matching service shares the workers between users' jobs in turn, rather than in the
 * order they arrived (with fairness enabled on the server, see README).
 */
public final class JobPriority {

  /** The first priority. */
  public static final int HIGHEST = 1;
  /** The last priority. */
  public static final int LOWEST = 5;
  /**
   * The memo key under which the API records the priority it started a job or an audit with, so that lists (whose
   * visibility records do not carry Temporal's priority) show it before the workflow has run.
   */
  public static final String MEMO_KEY = "priority";

  private JobPriority() {}

  /** The Temporal priority of a job of the given priority that runs for the given user. */
  public static Priority of(int priority, String user) {
    if (priority < HIGHEST || priority > LOWEST) {
      throw new IllegalArgumentException("priority " + priority + " is not between " + HIGHEST + " and " + LOWEST);
    }
    return Priority.newBuilder().setPriorityKey(priority).setFairnessKey(user).build();
  }

  /** The priority key of a Temporal priority, or null when none was set (0 means unset to Temporal). */
  public static Integer of(Priority priority) {
    return priority == null || priority.getPriorityKey() == 0 ? null : priority.getPriorityKey();
  }
}
