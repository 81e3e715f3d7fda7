package io.reprise.api;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the API, bound from {@code reprise.*}. Secrets come from the environment only. */
@ConfigurationProperties("reprise")
public record ApiProperties(Minio minio, Temporal temporal, Docker docker) {

  /** The Docker engine the workers use; the API only asks it whether it answers, for the health endpoint. */
  public record Docker(String host) {}

  public record Minio(String endpoint, String accessKey, String secretKey, String bucket) {}

  /** The task queue jobs are started on, and the Web UI that job views link to. */
  public record Temporal(String taskQueue, String namespace, String uiUrl) {}
}
