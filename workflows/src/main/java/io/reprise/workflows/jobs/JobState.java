package io.reprise.workflows.jobs;

import java.util.List;

/** A job as its workflow knows it: returned by the state query while it runs and as the result when it ends. */
public record JobState(String jobId, String compendiumId, JobStatus status, List<Step> steps, String imageId,
    Integer exitCode) {}
