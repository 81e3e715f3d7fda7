package io.reprise.activities.compendia;

/** What an archive unpacked to. */
public record UnpackSummary(String format, int files, int directories, int links, long bytes) {}
