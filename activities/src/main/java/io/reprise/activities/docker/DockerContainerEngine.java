package io.reprise.activities.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The container engine on a Docker daemon, through docker-java. */
public class DockerContainerEngine implements ContainerEngine {

  private static final Logger log = LoggerFactory.getLogger(DockerContainerEngine.class);

  /** Where a fenced container sees its working directory. */
  public static final String CONTAINER_WORKDIR = "/work";

  // How often a waiting thread wakes to heartbeat and check the time limit.
  private static final long POLL_MILLIS = 1000;

  private final DockerClient docker;

  public DockerContainerEngine(DockerClient docker) {
    this.docker = docker;
  }

  public static DockerContainerEngine connect(DockerSettings settings) {
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(settings.host())
        .build();
    ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .maxConnections(32)
        .connectionTimeout(Duration.ofSeconds(10))
        .build();
    return new DockerContainerEngine(DockerClientImpl.getInstance(config, http));
  }

  public DockerClient client() {
    return docker;
  }

  @Override
  public String build(Path context, String tag, Consumer<String> logLine) {
    BuildImageResultCallback callback = new BuildImageResultCallback() {
      @Override
      public void onNext(BuildResponseItem item) {
        if (item.getStream() != null) {
          item.getStream().lines().filter(line -> !line.isBlank()).forEach(logLine);
        }
        if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
          logLine.accept(item.getErrorDetail().getMessage());
        }
        super.onNext(item);
      }
    };
    docker.buildImageCmd(context.toFile())
        .withTags(Set.of(tag))
        .withNetworkMode("none")
        .withPull(false)
        .withRemove(true)
        .withForcerm(true)
        .exec(callback);
    try {
      callback.awaitImageId();
    } catch (DockerClientException e) {
      throw new BuildFailedException(e.getMessage(), e);
    }
    // The build stream only names the short id; the full content-addressed id is what provenance records.
    return docker.inspectImageCmd(tag).exec().getId();
  }

  @Override
  public boolean imageExists(String reference) {
    try {
      docker.inspectImageCmd(reference).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  @Override
  public RunOutcome run(RunSpec spec, Runnable heartbeat) {
    String id = runningContainer(spec.containerName());
    if (id == null) {
      removeContainer(spec.containerName());
      id = create(spec);
      docker.startContainerCmd(id).exec();
      log.info("started container {} ({})", spec.containerName(), id);
    } else {
      log.info("container {} is still running from an earlier attempt; waiting for it", spec.containerName());
    }
    boolean timedOut = !awaitExit(id, spec.timeout(), heartbeat);
    if (timedOut) {
      killQuietly(id);
      awaitExit(id, Duration.ofSeconds(30), heartbeat);
    }
    saveLog(id, spec.logFile());
    InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(id).exec().getState();
    int exitCode = state.getExitCodeLong() == null ? -1 : state.getExitCodeLong().intValue();
    boolean oom = Boolean.TRUE.equals(state.getOOMKilled());
    return new RunOutcome(exitCode, timedOut, oom);
  }

  private String runningContainer(String name) {
    try {
      InspectContainerResponse existing = docker.inspectContainerCmd(name).exec();
      return Boolean.TRUE.equals(existing.getState().getRunning()) ? existing.getId() : null;
    } catch (NotFoundException e) {
      return null;
    }
  }

  private String create(RunSpec spec) {
    long nanoCpus = (long) (spec.cpus() * 1_000_000_000L);
    HostConfig host = HostConfig.newHostConfig()
        .withNetworkMode("none")
        .withBinds(new Bind(spec.workDir().toAbsolutePath().toString(), new Volume(CONTAINER_WORKDIR)))
        .withReadonlyRootfs(true)
        .withTmpFs(Map.of("/tmp", "rw,nosuid,nodev,size=64m"))
        .withCapDrop(Capability.ALL)
        .withSecurityOpts(List.of("no-new-privileges"))
        .withMemory(spec.memoryBytes())
        .withMemorySwap(spec.memoryBytes())
        .withNanoCPUs(nanoCpus)
        .withPidsLimit(spec.pidsLimit());
    CreateContainerCmd create = docker.createContainerCmd(spec.image())
        .withName(spec.containerName())
        .withUser(spec.user())
        .withWorkingDir(CONTAINER_WORKDIR)
        .withNetworkDisabled(true)
        .withEnv("HOME=/tmp")
        .withHostConfig(host);
    if (spec.command() != null && !spec.command().isEmpty()) {
      create.withCmd(spec.command());
    }
    return create.exec().getId();
  }

  /** Waits for the container to exit; false when the limit passed first. */
  private boolean awaitExit(String id, Duration limit, Runnable heartbeat) {
    long deadline = System.nanoTime() + limit.toNanos();
    try (WaitContainerResultCallback waiting = docker.waitContainerCmd(id).exec(new WaitContainerResultCallback())) {
      while (true) {
        if (waiting.awaitCompletion(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          return true;
        }
        heartbeat.run();
        if (System.nanoTime() >= deadline) {
          return false;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for container " + id, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void killQuietly(String id) {
    try {
      docker.killContainerCmd(id).exec();
    } catch (RuntimeException e) {
      // The container may have exited between the deadline and the kill; the inspection that follows tells.
      log.debug("kill of {} failed: {}", id, e.getMessage());
    }
  }

  private void saveLog(String id, Path logFile) {
    try {
      Files.createDirectories(logFile.getParent());
      try (OutputStream out = Files.newOutputStream(logFile)) {
        docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false)
            .exec(new ResultCallback.Adapter<Frame>() {
              @Override
              public void onNext(Frame frame) {
                try {
                  out.write(frame.getPayload());
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
            }).awaitCompletion(60, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the container log to " + logFile, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the log of " + id, e);
    }
  }

  @Override
  public boolean removeContainer(String name) {
    try {
      docker.removeContainerCmd(name).withForce(true).withRemoveVolumes(true).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }
}
