package io.reprise.worker;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the worker, bound from {@code reprise.*}: the Docker engine, MinIO, the task queues, and the fence
 * around each job with the most a compendium may ask for, and the fence around each image build.
 */
@ConfigurationProperties("reprise")
public record WorkerProperties(Docker docker, Minio minio, Temporal temporal, Execute execute, Build build) {

  /**
   * The engine, and the registry job images go to (empty: none) with its optional credentials; the password may
   * come from a file (registryPasswordFile) so that it is in no environment.
   */
  public record Docker(String host, String registry, String registryUsername, String registryPassword,
      String registryPasswordFile) {}

  public record Minio(String endpoint, String accessKey, String secretKey, String bucket) {}

  /**
   * The shared task queue; the host whose job folders this worker holds; this worker's own queue, which reaches
   * only workers of that host; and how long a job's later steps wait for a worker of this host before the host
   * counts as gone.
   */
  public record Temporal(String taskQueue, String workerHost, String workerQueue, Duration hostWait) {}

  public record Execute(Path workRoot, String user, long pids, Duration timeout, Duration maxTimeout,
      DataSize memory, DataSize maxMemory, double cpus, double maxCpus, boolean removeImages, DataSize disk,
      DataSize maxDisk, DataSize logMax) {}

  /**
   * The fence around an image build: memory (swap included), CPUs, processes of all its steps together, its
   * wall-clock time, and how many bytes of its log are kept.
   */
  public record Build(DataSize memory, double cpus, long pids, Duration timeout, DataSize logMax) {}
}
