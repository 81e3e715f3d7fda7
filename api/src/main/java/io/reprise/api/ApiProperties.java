package io.reprise.api;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the API, bound from {@code reprise.*}. Secrets come from the environment only. */
@ConfigurationProperties("reprise")
public record ApiProperties(Minio minio, Temporal temporal, Docker docker, Priorities priority) {

  /** Each role's priority limit (REPRISE_PRIORITY_&lt;ROLE&gt;_HIGHEST and _DEFAULT); see JobPriorities. */
  public record Priorities(Role submitter, Role auditor, Role operator) {

    /**
     * @param highest the highest priority the role may ask for (1 runs first, 5 last)
     * @param defaultPriority what a request of the role that asks for no priority gets
     */
    public record Role(int highest, int defaultPriority) {
      public io.reprise.api.jobs.JobPriorities.Limit limit() {
        return new io.reprise.api.jobs.JobPriorities.Limit(highest, defaultPriority);
      }
    }
  }

  /** The Docker engine the workers use; the API only asks it whether it answers, for the health endpoint. */
  public record Docker(String host) {}

  public record Minio(String endpoint, String accessKey, String secretKey, String bucket) {}

  /** The task queue jobs are started on, and the Web UI that job views link to. */
  public record Temporal(String taskQueue, String namespace, String uiUrl) {}
}
