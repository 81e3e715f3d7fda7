package io.reprise.activities.docker;

/**
 * How a run ended: its exit code, whether it was stopped for its time limit or killed for memory, and whether the
 * engine stopped the container (an engine that stops or restarts kills its containers, so the exit code is then not
 * the program's own).
 */
public record RunOutcome(int exitCode, boolean timedOut, boolean outOfMemory, boolean engineRestarted) {}
