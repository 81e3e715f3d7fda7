package io.reprise.activities.docker;

/**
 * How a run ended: its exit code, whether it was stopped for its time limit or killed for memory, and whether the
 * engine restarted while it ran (an engine that stops kills its containers, so the exit code is then not the
 * program's own).
 */
public record RunOutcome(int exitCode, boolean timedOut, boolean outOfMemory, boolean engineRestarted) {}
