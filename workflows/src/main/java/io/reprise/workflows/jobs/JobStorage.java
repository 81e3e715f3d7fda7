package io.reprise.workflows.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What storing a job's working directory cost. Files are stored once by SHA-256, so bytes that were already in the
 * store (inputs every run of a compendium shares, outputs a re-run reproduced) are not stored again.
 *
 * @param bytes the working directory's size
 * @param newBytes bytes added to the store
 * @param reusedBytes bytes that were in the store already: what content addressing saved
 */
public record JobStorage(long bytes, @JsonProperty("new_bytes") long newBytes,
    @JsonProperty("reused_bytes") long reusedBytes) {}
