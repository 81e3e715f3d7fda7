package io.reprise.activities.docker;

/** How a run ended: its exit code, whether it was stopped for its time limit or killed for memory. */
public record RunOutcome(int exitCode, boolean timedOut, boolean outOfMemory) {}
