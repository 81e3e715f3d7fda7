package io.reprise.worker;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the worker, bound from {@code reprise.*}: the Docker engine, MinIO, and the fence around each job.
 */
@ConfigurationProperties("reprise")
public record WorkerProperties(Docker docker, Minio minio, Execute execute) {

  public record Docker(String host) {}

  public record Minio(String endpoint, String accessKey, String secretKey, String bucket) {}

  /** Folder for job scratch space, and the default limits of a job's container. */
  public record Execute(Path workRoot, String user, DataSize memory, double cpus, long pids, Duration timeout) {}
}
