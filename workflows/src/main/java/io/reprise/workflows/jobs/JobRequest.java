package io.reprise.workflows.jobs;

/** What a job runs: a stored compendium, on behalf of a submitter. The job id is also the workflow id. */
public record JobRequest(String jobId, String compendiumId, String submitter) {}
