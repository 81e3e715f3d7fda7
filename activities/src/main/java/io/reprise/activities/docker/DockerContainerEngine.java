package io.reprise.activities.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.dockerfile.Dockerfile;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

  /** Images of jobs are tagged with this prefix and are no base images. */
  public static final String JOB_IMAGE_PREFIX = "reprise/job-";

  /** Where a fenced container sees its working directory. */
  public static final String CONTAINER_WORKDIR = "/work";

  // How often a waiting thread wakes to heartbeat and check the time limit.
  private static final long POLL_MILLIS = 1000;

  // How long a run waits for an engine that stopped answering while its container ran (a restart takes seconds)
  // before the attempt fails as an infrastructure error.
  static final Duration ENGINE_RETURN_WAIT = Duration.ofMinutes(5);

  private final DockerClient docker;
  // Builds go through the HTTP client directly: docker-java's build command has no CPU quota or cgroup parent.
  private final DockerHttpClient http;
  private final ImageRegistry registry;

  public DockerContainerEngine(DockerClient docker, DockerHttpClient http) {
    this(docker, http, null);
  }

  public DockerContainerEngine(DockerClient docker, DockerHttpClient http, ImageRegistry registry) {
    this.docker = docker;
    this.http = http;
    this.registry = registry;
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
    return new DockerContainerEngine(DockerClientImpl.getInstance(config, http), http, settings.registry());
  }

  public DockerClient client() {
    return docker;
  }

  @Override
  public Built build(Path context, String tag, BuildLimits limits, Consumer<String> logLine, Runnable heartbeat) {
    InputStream tar;
    try {
      tar = new Dockerfile(context.resolve("Dockerfile").toFile(), context.toFile()).parse().buildDockerFolderTar();
    } catch (IOException e) {
      throw new UncheckedIOException("could not pack the build context " + context.getFileName(), e);
    }
    BuildCgroup cgroup = BuildCgroup.create(BuildCgroup.ROOT, tag, limits.pids());
    ImageBuild build = new ImageBuild(http, tar, tag, limits, cgroup == null ? null : cgroup.parent(), logLine);
    String fence = "memory " + (limits.memoryBytes() >> 20) + " MiB, " + limits.cpus() + " CPUs, "
        + (cgroup == null ? "no process limit (this host offers no cgroup v1 pids controller)"
        : limits.pids() + " processes") + ", " + limits.timeout().toSeconds() + " s, no network";
    try {
      build.start("build " + tag);
      long deadline = System.nanoTime() + limits.timeout().toNanos();
      while (!build.await(Math.min(POLL_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)))) {
        try {
          heartbeat.run();
        } catch (RuntimeException cancelled) {
          // A cancelled job or an attempt that is over: nothing else will stop this build, and a retry builds again.
          stopBuild(build, cgroup, tag);
          throw cancelled;
        }
        if (System.nanoTime() >= deadline) {
          stopBuild(build, cgroup, tag);
          throw new BuildFailedException("the build ran past its time limit of " + limits.timeout().toSeconds()
              + " s");
        }
      }
      String id = build.imageId();
      // The id the stream named, confirmed on the engine in the full form provenance records.
      return new Built(docker.inspectImageCmd(id).exec().getId(), fence);
    } finally {
      if (cgroup != null) {
        cgroup.remove();
      }
    }
  }

  /**
   * Stops a build and makes sure none of its steps runs on: the engine kills the step when its request closes, and
   * the step container (named in the stream, or found in the build's cgroup) is removed here too in case it has
   * not.
   */
  private void stopBuild(ImageBuild build, BuildCgroup cgroup, String tag) {
    Set<String> steps = new java.util.LinkedHashSet<>();
    String step = build.stop(30_000);
    if (step != null) {
      steps.add(step);
    }
    if (cgroup != null) {
      steps.addAll(cgroup.containers());
    }
    for (String container : steps) {
      try {
        docker.removeContainerCmd(container).withForce(true).exec();
      } catch (NotFoundException gone) {
        // The engine removed it first, as it should.
      } catch (RuntimeException e) {
        log.warn("could not remove step container {} of stopped build {}: {}", container, tag, e.getMessage());
      }
    }
    log.info("stopped the build of {}", tag);
  }

  @Override
  public ImageRegistry registry() {
    return registry;
  }

  private AuthConfig auth() {
    AuthConfig auth = new AuthConfig().withRegistryAddress(registry.host());
    if (registry.username() != null) {
      auth = auth.withUsername(registry.username()).withPassword(registry.password());
    }
    return auth;
  }

  @Override
  public String push(String imageId, String repository, String tag, Runnable heartbeat) {
    if (registry == null || !registry.holds(repository)) {
      throw new IllegalArgumentException("images are pushed only to the configured registry, not to " + repository);
    }
    docker.tagImageCmd(imageId, repository, tag).withForce(true).exec();
    Progress<PushResponseItem> progress = new Progress<>();
    docker.pushImageCmd(repository).withTag(tag).withAuthConfig(auth()).exec(progress);
    progress.await(heartbeat, "push " + repository + ":" + tag);
    String digest = progress.digest;
    if (digest == null) {
      // The engine said nothing of the digest in its stream: it has recorded it with the image by now.
      digest = repoDigests(imageId).stream().filter(d -> d.startsWith(repository + "@")).findFirst()
          .map(d -> d.substring(d.indexOf('@') + 1)).orElseThrow(() -> new IllegalStateException(
              "the engine pushed " + repository + ":" + tag + " but named no digest"));
    }
    return repository + "@" + digest;
  }

  @Override
  public void pull(String reference, Runnable heartbeat) {
    if (registry == null || !registry.holds(reference)) {
      throw new IllegalArgumentException("images are pulled only from the configured registry, not " + reference);
    }
    Progress<PullResponseItem> progress = new Progress<>();
    try {
      docker.pullImageCmd(reference).withAuthConfig(auth()).exec(progress);
      progress.await(heartbeat, "pull " + reference);
    } catch (NotFoundException e) {
      throw new ImageNotFoundException("the registry has no image " + reference + ": " + engineText(e));
    } catch (DockerException e) {
      if (e.getMessage() != null && e.getMessage().contains("manifest unknown")) {
        throw new ImageNotFoundException("the registry has no image " + reference);
      }
      throw e;
    }
  }

  @Override
  public List<String> repoDigests(String reference) {
    List<String> digests = docker.inspectImageCmd(reference).exec().getRepoDigests();
    return digests == null ? List.of() : List.copyOf(digests);
  }

  /**
   * Follows a push's or pull's progress stream: the first error the engine names in it, and the digest it
   * reports at the end of a push.
   */
  private static final class Progress<T extends ResponseItem> extends ResultCallback.Adapter<T> {
    private volatile String error;
    private volatile String digest;

    @Override
    public void onNext(T item) {
      if (item.isErrorIndicated() && error == null) {
        error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
            ? item.getErrorDetail().getMessage() : item.getError();
      }
      if (item.getAux() != null && item.getAux().getDigest() != null) {
        digest = item.getAux().getDigest();
      }
    }

    void await(Runnable heartbeat, String what) {
      try {
        while (!awaitCompletion(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          try {
            heartbeat.run();
          } catch (RuntimeException over) {
            close();
            throw over;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(what + " was interrupted", e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      throwFirstError();
      if (error != null) {
        if (error.contains("manifest unknown") || error.contains("not found")) {
          throw new NotFoundException(error);
        }
        throw new DockerClientException(what + " failed: " + error);
      }
    }
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
  public String version() {
    return docker.versionCmd().exec().getVersion();
  }

  @Override
  public List<String> imageEnvironment(String reference) {
    var config = docker.inspectImageCmd(reference).exec().getConfig();
    return config == null || config.getEnv() == null ? List.of() : List.of(config.getEnv());
  }

  @Override
  public void tag(String imageId, String tag) {
    int colon = tag.lastIndexOf(':');
    docker.tagImageCmd(imageId, tag.substring(0, colon), tag.substring(colon + 1)).withForce(true).exec();
  }

  @Override
  public String imageId(String reference) {
    return docker.inspectImageCmd(reference).exec().getId();
  }

  @Override
  public List<String> baseImages() {
    return docker.listImagesCmd().exec().stream()
        .flatMap(image -> image.getRepoTags() == null ? java.util.stream.Stream.empty()
            : java.util.Arrays.stream(image.getRepoTags()))
        .filter(tag -> !tag.startsWith(JOB_IMAGE_PREFIX) && !tag.startsWith("<none>")
            && !ImageRegistry.isJobRepository(tag))
        .sorted()
        .toList();
  }

  @Override
  public List<String> jobImages() {
    return docker.listImagesCmd().exec().stream()
        .flatMap(image -> image.getRepoTags() == null ? java.util.stream.Stream.empty()
            : java.util.Arrays.stream(image.getRepoTags()))
        .filter(tag -> tag.startsWith(JOB_IMAGE_PREFIX))
        .sorted()
        .toList();
  }

  @Override
  public RunOutcome run(RunSpec spec, Consumer<String> logLine, Runnable heartbeat) {
    // The container's name derives from the job, and cleanup removes it, so a container of this name is the one
    // an earlier attempt started: while it runs, or once it has ended, its outcome is this run's outcome.
    InspectContainerResponse earlier = existingContainer(spec.containerName());
    String status = earlier == null ? null : earlier.getState().getStatus();
    String id;
    if (earlier == null || !List.of("running", "exited", "created").contains(status)) {
      removeContainer(spec.containerName());
      id = create(spec);
      start(id);
      log.info("started container {} ({})", spec.containerName(), id);
    } else {
      id = earlier.getId();
      if (status.equals("created")) {
        start(id);
        log.info("started container {} that an earlier attempt created", spec.containerName());
      } else {
        log.info("container {} from an earlier attempt is {}; taking its outcome", spec.containerName(), status);
      }
    }
    String container = id;
    // The time limit counts from the container's start, not from this attempt's: a retried attempt that finds the
    // program running gives it only what is left.
    Duration left = remaining(earlier, spec.timeout());
    Runnable guardedHeartbeat = () -> {
      try {
        heartbeat.run();
      } catch (LeaveRunning shutdown) {
        log.info("leaving container {} running for the activity's next attempt: {}", spec.containerName(),
            shutdown.getMessage());
        throw shutdown.reason();
      } catch (RuntimeException cancelled) {
        // The job was cancelled (or the activity timed out): the container must not outlive its activity.
        killQuietly(container);
        throw cancelled;
      }
    };
    try (LogFollower follower = new LogFollower(spec.logFile(), logLine, spec.maxLogBytes())) {
      docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).exec(follower);
      Exit exit = awaitExit(id, left, guardedHeartbeat);
      boolean timedOut = exit == Exit.LIMIT;
      if (timedOut) {
        killQuietly(id);
        awaitExit(id, Duration.ofSeconds(30), guardedHeartbeat);
      }
      follower.awaitEnd(Duration.ofSeconds(30));
      InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(id).exec().getState();
      int exitCode = state.getExitCodeLong() == null ? -1 : state.getExitCodeLong().intValue();
      boolean oom = Boolean.TRUE.equals(state.getOOMKilled());
      if (!timedOut && !oom && exitCode != 0
          && (exit == Exit.WHILE_ENGINE_AWAY || killedFromOutside(id, state.getStartedAt()))) {
        // An engine that stops kills its containers: the exit code is the engine's doing, not the program's answer.
        log.warn("container {} ended with code {} because the engine stopped it ({})", spec.containerName(), exitCode,
            exit == Exit.WHILE_ENGINE_AWAY ? "the engine did not answer meanwhile" : "it recorded a kill");
        return new RunOutcome(exitCode, false, false, true);
      }
      return new RunOutcome(exitCode, timedOut, oom, false);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the log of container " + id, e);
    }
  }

  /**
   * Starts the container; when the engine refuses for a reason the image gave (its command cannot execute), the
   * refusal becomes a {@link ProgramCannotStartException} with the engine's text.
   */
  private void start(String id) {
    try {
      docker.startContainerCmd(id).exec();
    } catch (DockerException e) {
      if (ProgramCannotStartException.causedByImage(e.getMessage())) {
        throw new ProgramCannotStartException(engineText(e), e);
      }
      throw e;
    }
  }

  /** The engine's own message, without the HTTP status docker-java puts in front of it. */
  static String engineText(DockerException e) {
    String message = e.getMessage() == null ? "" : e.getMessage().strip();
    int json = message.indexOf("{\"message\":\"");
    if (json >= 0) {
      String inner = message.substring(json + 12);
      int end = inner.lastIndexOf("\"}");
      return (end >= 0 ? inner.substring(0, end) : inner).replace("\\\"", "\"");
    }
    return message.replaceFirst("^Status \\d+: ", "");
  }

  /** The time limit less the time the container has already run, when an earlier attempt started it. */
  private static Duration remaining(InspectContainerResponse earlier, Duration timeout) {
    if (earlier == null || earlier.getState() == null) {
      return timeout;
    }
    return remaining(earlier.getState().getStartedAt(), Boolean.TRUE.equals(earlier.getState().getRunning()),
        timeout, Instant.now());
  }

  /** What is left of the time limit for a container that started at {@code startedAt} (ISO 8601, as Docker says). */
  static Duration remaining(String startedAt, boolean running, Duration timeout, Instant now) {
    if (!running || startedAt == null) {
      return timeout;
    }
    try {
      Duration left = timeout.minus(Duration.between(Instant.parse(startedAt), now));
      return left.isNegative() ? Duration.ZERO : left.compareTo(timeout) > 0 ? timeout : left;
    } catch (java.time.format.DateTimeParseException e) {
      return timeout;
    }
  }

  private InspectContainerResponse existingContainer(String name) {
    try {
      return docker.inspectContainerCmd(name).exec();
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
        .withPidsLimit(spec.pidsLimit())
        // The engine keeps its own copy of the output; bounded so that a program that prints without end cannot
        // fill the engine's disk. Reprise keeps its own log (spec.maxLogBytes) from the stream.
        .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE,
            Map.of("max-size", Math.max(1, spec.maxLogBytes() >> 20) + "m", "max-file", "2")));
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

  /**
   * True when the engine recorded a kill of the container since it started: an engine that stops or restarts sends
   * each container its stop signal and then SIGKILL, each a "kill" event, while it still answers (so the run sees
   * the container exit before the engine goes away). Reprise kills a container only for its time limit or a
   * cancelled job, which the caller knows apart; a program's own crash or OOM is no kill event. An engine that
   * cannot say, having gone away just as the container died, is taken to have stopped it.
   */
  private boolean killedFromOutside(String id, String startedAt) {
    long since;
    try {
      since = Instant.parse(startedAt).getEpochSecond() - 1;
    } catch (RuntimeException unknown) {
      since = Instant.now().getEpochSecond() - Duration.ofDays(1).toSeconds();
    }
    List<String> kills = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      docker.eventsCmd().withContainerFilter(id).withEventFilter("kill").withSince(String.valueOf(since))
          .withUntil(String.valueOf(Instant.now().getEpochSecond() + 1))
          .exec(new ResultCallback.Adapter<com.github.dockerjava.api.model.Event>() {
            @Override
            public void onNext(com.github.dockerjava.api.model.Event event) {
              kills.add(String.valueOf(event.getActor() == null ? null : event.getActor().getAttributes()));
            }
          }).awaitCompletion(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the events of container " + id, e);
    } catch (RuntimeException unreachable) {
      log.warn("could not read the events of container {}: {}", id, unreachable.getMessage());
      return true;
    }
    if (!kills.isEmpty()) {
      log.info("the engine recorded kills of container {}: {}", id, kills);
    }
    return !kills.isEmpty();
  }

  /** How a wait for a container ended. */
  private enum Exit {
    /** The container exited while the engine answered throughout. */
    EXITED,
    /** The container was found exited after the engine had stopped answering: the engine may have killed it. */
    WHILE_ENGINE_AWAY,
    /** The time limit passed first. */
    LIMIT
  }

  /**
   * Waits for the container to exit, heartbeating once a second. It asks the engine for the container's state rather
   * than holding a wait stream open: a stream that ends early (a dropped connection) would otherwise look like an
   * exit. An engine that stops answering (it is restarting) is waited for, heartbeating meanwhile, for at most
   * {@link #ENGINE_RETURN_WAIT}; a container found exited after that tells {@link Exit#WHILE_ENGINE_AWAY}.
   */
  private Exit awaitExit(String id, Duration limit, Runnable heartbeat) {
    long deadline = System.nanoTime() + limit.toNanos();
    long awaySince = 0;
    boolean wasAway = false;
    while (true) {
      boolean answered;
      boolean running = false;
      try {
        running = Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getRunning());
        answered = true;
      } catch (NotFoundException gone) {
        throw gone;
      } catch (RuntimeException unreachable) {
        if (!wasAway) {
          log.warn("the engine stopped answering while container {} ran: {}", id, unreachable.getMessage());
          awaySince = System.nanoTime();
          wasAway = true;
        } else if (System.nanoTime() - awaySince > ENGINE_RETURN_WAIT.toNanos()) {
          throw unreachable;
        }
        answered = false;
      }
      if (answered && !running) {
        return wasAway ? Exit.WHILE_ENGINE_AWAY : Exit.EXITED;
      }
      heartbeat.run();
      if (answered && System.nanoTime() >= deadline) {
        return Exit.LIMIT;
      }
      try {
        Thread.sleep(answered ? Math.min(POLL_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000))
            : POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for container " + id, e);
      }
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

  @Override
  public void removeImage(String reference) {
    try {
      docker.removeImageCmd(reference).withForce(true).exec();
    } catch (NotFoundException e) {
      log.debug("image {} was already gone", reference);
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
