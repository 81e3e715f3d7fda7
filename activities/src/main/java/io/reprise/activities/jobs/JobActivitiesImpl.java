package io.reprise.activities.jobs;

import io.reprise.activities.compendia.BagCheck;
import io.reprise.activities.compendia.CompendiumManifest;
import io.reprise.activities.compendia.DockerfileCheck;
import io.reprise.activities.compendia.InvalidCompendiumException;
import io.reprise.activities.compendia.SafeUnpacker;
import io.reprise.activities.compendia.UnpackLimits;
import io.reprise.activities.compendia.UnpackSummary;
import io.reprise.activities.compendia.UnsafeArchiveException;
import io.reprise.activities.docker.BuildFailedException;
import io.reprise.activities.docker.ContainerEngine;
import io.reprise.activities.docker.ProgramCannotStartException;
import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.docker.ImageRegistry;
import io.reprise.activities.docker.RegistryApi;
import io.reprise.activities.docker.RunOutcome;
import io.reprise.activities.docker.RunSpec;
import io.reprise.activities.files.FileTree;
import io.reprise.activities.files.Glob;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.BlobStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.workflows.jobs.JobActivities;
import io.reprise.workflows.jobs.JobFailure;
import io.reprise.workflows.jobs.JobSteps;
import io.reprise.workflows.jobs.Provenance;
import io.reprise.workflows.jobs.RunSettings;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityNotExistsException;
import io.temporal.client.ActivityWorkerShutdownException;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's activities on one worker. Every name they create (folders, image tags, containers, object keys)
 * derives from the job id, so a retried attempt finds and replaces what an earlier attempt left.
 */
public class JobActivitiesImpl implements JobActivities {

  private static final Logger log = LoggerFactory.getLogger(JobActivitiesImpl.class);
  private static final String INPUTS = "inputs.json";

  /** The failure type of an execute whose program the Docker engine stopped by restarting: no user error. */
  public static final String ENGINE_RESTARTED = "ENGINE_RESTARTED";

  private final ArtifactStore store;
  private final ContainerEngine engine;
  private final Workspace workspace;
  private final ExecutionSettings settings;
  private final SafeUnpacker unpacker = new SafeUnpacker(UnpackLimits.DEFAULT);
  private final BlobStore blobs;
  private final JobMetrics metrics;

  public JobActivitiesImpl(ArtifactStore store, ContainerEngine engine, ExecutionSettings settings) {
    this(store, engine, settings, JobMetrics.NONE);
  }

  public JobActivitiesImpl(ArtifactStore store, ContainerEngine engine, ExecutionSettings settings,
      JobMetrics metrics) {
    this.metrics = metrics;
    this.store = store;
    this.blobs = new BlobStore(store);
    this.engine = engine;
    this.settings = settings;
    this.workspace = new Workspace(settings.workRoot());
  }

  public static String imageTag(String jobId) {
    return DockerContainerEngine.JOB_IMAGE_PREFIX + Workspace.checkJobId(jobId) + ":latest";
  }

  public static String containerName(String jobId) {
    return "reprise-job-" + Workspace.checkJobId(jobId);
  }

  private Path compendiumDir(String jobId, String root) {
    return root == null || root.isEmpty() ? workspace.workDir(jobId) : workspace.workDir(jobId).resolve(root);
  }

  @Override
  public ValidateResult validate(ValidateRequest request) {
    String jobId = request.jobId();
    try {
      // A retry starts from a clean folder so that nothing of a half-finished attempt survives.
      workspace.delete(jobId);
      Files.createDirectories(workspace.jobDir(jobId));
      String archiveKey = StoreKeys.compendiumArchive(request.compendiumId());
      if (store.stat(archiveKey).isEmpty()) {
        throw JobFailure.INVALID_COMPENDIUM.failure("compendium " + request.compendiumId() + " is not stored");
      }
      store.download(archiveKey, workspace.archive(jobId));
      List<String> lines = new ArrayList<>();
      // Everything is checked in a folder of its own; only a compendium that passed reaches the working directory.
      Path unpacked = workspace.unpacked(jobId);
      UnpackSummary summary = unpacker.unpack(workspace.archive(jobId), unpacked);
      lines.add("unpacked " + summary.format() + " archive: " + summary.files() + " files, " + summary.bytes()
          + " bytes");
      String root = "";
      if (BagCheck.isBag(unpacked)) {
        int checked = BagCheck.verify(unpacked);
        root = "data";
        lines.add("BagIt bag verified: " + checked + " payload files match their checksums; the compendium is data/");
      }
      Path checkedCompendium = root.isEmpty() ? unpacked : unpacked.resolve(root);
      CompendiumManifest.Result manifest = CompendiumManifest.read(checkedCompendium, settings.limits());
      lines.add(manifest.present() ? CompendiumManifest.FILE_NAME + " read" : "no " + CompendiumManifest.FILE_NAME
          + "; server defaults apply");
      Path dockerfile = checkedCompendium.resolve("Dockerfile");
      if (!Files.isRegularFile(dockerfile, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidCompendiumException("the compendium has no Dockerfile at its top level");
      }
      ImageRegistry registry = engine.registry();
      DockerfileCheck.Result checked = DockerfileCheck.check(dockerfile, engine::baseImages, registry);
      // A base image pinned by digest in the configured registry is pulled now, on the host that will build: the
      // build itself never pulls and has no network.
      for (String pinned : DockerfileCheck.pinnedInRegistry(checked, registry)) {
        if (!engine.imageExists(pinned)) {
          long pullStarted = System.nanoTime();
          try {
            engine.pull(pinned, () -> { });
          } catch (ContainerEngine.ImageNotFoundException e) {
            throw new InvalidCompendiumException("the base image " + pinned + " is not in the registry "
                + registry.address());
          }
          lines.add("pulled base image " + pinned + " from the registry in "
              + (System.nanoTime() - pullStarted) / 1_000_000 + " ms");
        }
      }
      lines.add("Dockerfile parses; base image " + checked.baseImage() + " is on the engine");
      List<String> warnings = new ArrayList<>(manifest.warnings());
      String baseDigest = baseImageDigest(checked.baseImage(), registry, warnings);
      RunSettings run = manifest.run();
      lines.add("run: " + (run.command().isEmpty() ? "the image's CMD" : String.join(" ", run.command()))
          + ", timeout " + run.timeoutSeconds() + " s, memory " + (run.memoryBytes() >> 20) + " MiB, cpus "
          + run.cpus() + ", disk " + (run.diskLimit() > 0 ? (run.diskLimit() >> 20) + " MiB" : "not limited"));
      place(jobId, unpacked, summary.bytes(), run.diskLimit());
      Path compendium = compendiumDir(jobId, root);
      Map<String, FileManifest.Entry> inputs = FileManifest.scan(compendium);
      new FileManifest(List.copyOf(inputs.values())).write(workspace.jobDir(jobId).resolve(INPUTS));
      // The program's user gets its folder now, once, before any container of the job exists: a chown while a
      // program runs could be steered through links it makes.
      grantWorkDirTo(settings.user(), workspace.workDir(jobId));
      ExecutionSettings.Origin worker = settings.origin();
      Provenance.Origin origin = new Provenance.Origin(FileManifest.rootHash(inputs.values()),
          inputs.get("Dockerfile").sha256(), engine.version(), worker.temporalServerVersion(),
          worker.repriseVersion(), worker.workerHost(), baseDigest);
      return new ValidateResult(settings.workerQueue(), root, run, summary.files(), summary.bytes(),
          List.copyOf(warnings), String.join("\n", lines), origin, settings.hostWait().toSeconds());
    } catch (UnsafeArchiveException | InvalidCompendiumException | ApplicationFailure e) {
      // The job ends here for the user's fault, and its cleanup may run on another worker: nothing of the refused
      // compendium may stay in this worker's folder. Infrastructure errors keep it for the retry, which starts
      // from a clean folder anyway.
      try {
        workspace.delete(jobId);
      } catch (IOException leftBehind) {
        log.warn("could not delete the folder of job {} after validate failed", jobId, leftBehind);
      }
      if (e instanceof ApplicationFailure failure) {
        throw failure;
      }
      throw JobFailure.INVALID_COMPENDIUM.failure(e instanceof UnsafeArchiveException
          ? "the archive was refused: " + e.getMessage() : e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare the folder of job " + jobId, e);
    }
  }

  /**
   * The registry digest of the final stage's base image: as the Dockerfile pins it, or the one the engine knows for
   * the tag it names (docker/stack publishes the base images, so the engine has their digests). A tag is no pin:
   * the same name can mean other bytes tomorrow or on another host, so an unpinned base adds a warning, with the
   * digest to pin when there is one. Nothing without a registry, and nothing for scratch.
   */
  private String baseImageDigest(String base, ImageRegistry registry, List<String> warnings) {
    if (registry == null || base == null || base.equalsIgnoreCase("scratch")) {
      return null;
    }
    if (ImageRegistry.isDigestReference(base)) {
      return base;
    }
    // The digest under the base's own name when the registry has it there; never one of the job repository, where
    // an image that adds nothing to its base also lands (and which no compendium may name).
    String name = DockerfileCheck.reference(base);
    String own = registry.address() + "/" + name.substring(0, name.lastIndexOf(':')) + "@";
    List<String> candidates = engine.imageExists(base) ? engine.repoDigests(base).stream()
        .filter(registry::holds).filter(d -> !ImageRegistry.isJobRepository(d)).sorted().toList() : List.of();
    String digest = candidates.stream().filter(d -> d.startsWith(own)).findFirst()
        .orElse(candidates.isEmpty() ? null : candidates.get(0));
    warnings.add(digest == null
        ? "the Dockerfile does not pin its base image by digest, and " + base + " is not in the registry "
            + registry.address() + ": a rebuild on another host may start from other bytes"
        : "the Dockerfile does not pin its base image by digest: " + base + " is " + digest + " now; write FROM "
            + digest + " to pin it");
    return digest;
  }

  /**
   * Puts the checked compendium where the program will see it: on a file system of its own sized to the
   * compendium plus the disk limit, or, with no limit, by moving the folder.
   */
  private void place(String jobId, Path unpacked, long compendiumBytes, long diskLimit) throws IOException {
    Path work = workspace.workDir(jobId);
    if (diskLimit <= 0) {
      Files.move(unpacked, work);
      return;
    }
    JobDisk.create(workspace.diskImage(jobId), work, JobDisk.sizeFor(compendiumBytes + diskLimit));
    Workspace.copyTree(unpacked, work);
    Workspace.deleteTree(unpacked);
  }

  @Override
  public CompileResult compile(CompileRequest request) {
    String jobId = request.jobId();
    ActivityExecutionContext context = Activity.getExecutionContext();
    Path compendium = compendiumDir(jobId, request.compendiumRoot());
    Path logFile = workspace.logDir(jobId).resolve(JobSteps.COMPILE + ".log");
    LogTail tail = new LogTail();
    String tag = imageTag(jobId);
    if (request.reuseImageId() != null) {
      return reuse(jobId, request.reuseImageId(), request.reuseImageDigest(), tag, compendium,
          () -> context.heartbeat(null));
    }
    ImageRegistry registry = engine.registry();
    try {
      // Validate checked the Dockerfile; checking again costs nothing and holds even if the engine's images changed.
      DockerfileCheck.check(compendium.resolve("Dockerfile"), engine::baseImages, registry);
      Files.createDirectories(logFile.getParent());
      ContainerEngine.Built built;
      try (CappedLog logOut = new CappedLog(logFile, settings.buildLogMaxBytes())) {
        // The engine calls the heartbeat on a timer, so a silent build still heartbeats; when the heartbeat throws
        // (the job was cancelled, the attempt is over), the engine stops the build and the exception passes on.
        built = engine.build(compendium, tag, settings.buildLimits(), line -> {
          tail.add(line);
          logOut.add(line);
        }, () -> context.heartbeat(tail.toString()));
      } catch (BuildFailedException e) {
        throw JobFailure.BUILD_FAILED.failure("the image did not build: " + e.getMessage() + "\n" + tail);
      } finally {
        // After the log is closed, so its size is what was written; a failed build's log counts too.
        metrics.logKept(JobSteps.COMPILE, sizeOrZero(logFile));
      }
      BaseImage base = baseImage(compendium);
      String digest = null;
      String pushed = "";
      if (registry != null) {
        // Every job image goes to the registry, tagged with the job id; execute and every re-run run it by this
        // digest, on any host. Layers the registry has (the base's, an identical image's) are not sent again.
        long pushStarted = System.nanoTime();
        digest = engine.push(built.imageId(), registry.jobRepository(), jobId, () -> context.heartbeat(tail.toString()));
        pushed = "\npushed to the registry as " + digest + " in " + (System.nanoTime() - pushStarted) / 1_000_000
            + " ms";
      }
      return new CompileResult(built.imageId(), digest != null ? digest : tag, base.name(), base.id(),
          "built image " + built.imageId() + " (" + tag + ") on " + base.name() + " within " + built.fence()
              + pushed + "\n" + tail, engine.imageEnvironment(built.imageId()), digest);
    } catch (InvalidCompendiumException e) {
      throw JobFailure.BUILD_FAILED.failure(e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the build log of job " + jobId, e);
    }
  }

  /**
   * A build log that keeps its first bytes up to a limit and then one line that says the rest was dropped: the step
   * text shows the newest lines anyway, and a build that prints without end must not fill the worker's disk.
   */
  private static final class CappedLog implements AutoCloseable {
    private final BufferedWriter out;
    private final long maxBytes;
    private long written;
    private boolean full;

    CappedLog(Path file, long maxBytes) throws IOException {
      this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      this.maxBytes = maxBytes;
    }

    synchronized void add(String line) {
      if (full) {
        return;
      }
      long bytes = line.getBytes(StandardCharsets.UTF_8).length + 1L;
      if (written + bytes > maxBytes) {
        full = true;
        writeLine(out, "[reprise: the build log reached its limit of " + maxBytes + " bytes; later lines are "
            + "dropped]");
        return;
      }
      written += bytes;
      writeLine(out, line);
    }

    @Override
    public synchronized void close() throws IOException {
      out.close();
    }
  }

  /**
   * A re-run: the recorded image runs again, tagged for this job, and nothing is built. With a recorded digest it
   * runs by that digest, pulled from the registry when this engine lacks it (another host, a removed image), and
   * only when the pulled image is the recorded one (same id, the digest of its configuration). The digest is then
   * tagged with this job's id in the registry, so that the image lives as long as this job does, whatever becomes
   * of the job that built it (see {@link RegistryApi}).
   */
  private CompileResult reuse(String jobId, String imageId, String recordedDigest, String tag, Path compendium,
      Runnable heartbeat) {
    String digest = recordedDigest;
    ImageRegistry registry = engine.registry();
    if (digest != null && (engine.imageExists(digest) || (registry != null && registry.holds(digest)))) {
      String how;
      if (engine.imageExists(digest)) {
        how = "the engine has " + digest;
      } else {
        long pullStarted = System.nanoTime();
        try {
          engine.pull(digest, heartbeat);
        } catch (ContainerEngine.ImageNotFoundException e) {
          throw JobFailure.BUILD_FAILED.failure("the recorded image " + digest + " is no longer in the registry; "
              + "re-run with rebuild=true to build it again");
        }
        how = "pulled " + digest + " from the registry in " + (System.nanoTime() - pullStarted) / 1_000_000 + " ms";
      }
      String pulledId = engine.imageId(digest);
      if (!pulledId.equals(imageId)) {
        throw JobFailure.BUILD_FAILED.failure("the registry's image " + digest + " has id " + pulledId
            + ", not the recorded " + imageId + "; re-run with rebuild=true to build it again");
      }
      engine.tag(imageId, tag);
      if (registry != null && registry.holds(digest)) {
        try {
          new RegistryApi(registry).tag(digest, jobId);
          how += "; tagged " + jobId + " in the registry";
        } catch (ContainerEngine.ImageNotFoundException gone) {
          // The engine kept the image the registry no longer has: it goes back, as this job's.
          // A push may make another manifest of the same image (same id): this job runs by what it pushed.
          digest = engine.push(imageId, registry.jobRepository(), jobId, heartbeat);
          how += "; the registry no longer had it: pushed again as " + digest;
        }
      }
      try {
        BaseImage base = baseImage(compendium);
        return new CompileResult(imageId, digest, base.name(), base.id(),
            "reused the recorded image " + imageId + " without building: " + how + "; its id is the recorded one; "
                + "runs by digest; tagged " + tag, engine.imageEnvironment(imageId), digest);
      } catch (InvalidCompendiumException | IOException e) {
        throw JobFailure.BUILD_FAILED.failure("the Dockerfile cannot be read: " + e.getMessage());
      }
    }
    if (!engine.imageExists(imageId)) {
      throw JobFailure.BUILD_FAILED.failure("the recorded image " + imageId + " is no longer on this engine; "
          + "re-run with rebuild=true to build it again");
    }
    engine.tag(imageId, tag);
    try {
      BaseImage base = baseImage(compendium);
      return new CompileResult(imageId, tag, base.name(), base.id(),
          "reused the recorded image " + imageId + " without building; tagged " + tag,
          engine.imageEnvironment(imageId));
    } catch (InvalidCompendiumException | IOException e) {
      throw JobFailure.BUILD_FAILED.failure("the Dockerfile cannot be read: " + e.getMessage());
    }
  }

  private record BaseImage(String name, String id) {}

  /** The final stage's base image and its id on the engine (null for scratch or an image no longer there). */
  private BaseImage baseImage(Path compendium) throws IOException, InvalidCompendiumException {
    String base = DockerfileCheck.finalBase(compendium.resolve("Dockerfile"));
    boolean onEngine = base != null && !base.equalsIgnoreCase("scratch") && engine.imageExists(base);
    return new BaseImage(base, onEngine ? engine.imageId(base) : null);
  }

  @Override
  public ExecuteResult execute(ExecuteRequest request) {
    String jobId = request.jobId();
    ActivityExecutionContext context = Activity.getExecutionContext();
    RunSettings run = request.run();
    Path logFile = workspace.logDir(jobId).resolve(JobSteps.EXECUTE + ".log");
    ImageRegistry registry = engine.registry();
    if (registry != null && ImageRegistry.isDigestReference(request.imageTag()) && registry.holds(request.imageTag())
        && !engine.imageExists(request.imageTag())) {
      // Removed between compile and execute (an operator's prune): the digest names the same bytes in the registry.
      engine.pull(request.imageTag(), () -> context.heartbeat(null));
    }
    RunSpec spec = new RunSpec(request.imageTag(), containerName(jobId), compendiumDir(jobId, request.compendiumRoot()),
        run.command(), settings.user(), run.memoryBytes(), run.cpus(), settings.pidsLimit(),
        Duration.ofSeconds(run.timeoutSeconds()), logFile, settings.maxLogBytes());
    LogTail tail = new LogTail();
    RunOutcome outcome;
    try {
      outcome = engine.run(spec, tail::add, () -> {
        try {
          context.heartbeat(tail.toString());
        } catch (ActivityWorkerShutdownException | ActivityNotExistsException attemptOver) {
          // The worker is stopping (a deploy), or Temporal gave up on this attempt (its heartbeat came too late).
          // The program must not lose its progress: this attempt ends, the container runs on, and the next attempt
          // on this host's queue waits for it or takes its outcome. Only a cancelled job kills its container.
          throw new ContainerEngine.LeaveRunning(attemptOver);
        }
      });
    } catch (ProgramCannotStartException e) {
      // The image's command cannot execute: every attempt would get the same refusal, so the job fails now.
      throw JobFailure.EXECUTION_FAILED.failure("the program could not start: " + e.getMessage());
    }
    if (outcome.engineRestarted()) {
      // Not retried: the program got part way and may have changed /work, so a second run would not start from the
      // compendium, and would run the program twice. A re-run of the job starts clean.
      throw ApplicationFailure.newNonRetryableFailure("the Docker engine stopped the program's container (the "
          + "engine was restarting or stopping; exit code " + outcome.exitCode() + " is the engine's, not the "
          + "program's); the program did not finish and was not started again, since it may have changed /work: "
          + "re-run the job\n" + tail, ENGINE_RESTARTED);
    }
    boolean diskFull = !outcome.timedOut() && !outcome.outOfMemory() && run.diskLimit() > 0 && diskFull(jobId);
    metrics.programEnded(outcome.exitCode(), outcome.timedOut() ? JobMetrics.ProgramEnd.TIMED_OUT
        : outcome.outOfMemory() ? JobMetrics.ProgramEnd.OUT_OF_MEMORY
        : diskFull ? JobMetrics.ProgramEnd.DISK_FULL : JobMetrics.ProgramEnd.EXITED);
    metrics.logKept(JobSteps.EXECUTE, sizeOrZero(logFile));
    if (outcome.timedOut()) {
      throw JobFailure.EXECUTION_FAILED.failure("timed out after " + run.timeoutSeconds() + " s\n" + tail,
          outcome.exitCode());
    }
    if (outcome.outOfMemory()) {
      throw JobFailure.EXECUTION_FAILED.failure("out of memory (limit " + (run.memoryBytes() >> 20) + " MiB)\n"
          + tail, outcome.exitCode());
    }
    if (diskFull) {
      throw JobFailure.EXECUTION_FAILED.failure("disk limit reached: the program filled the " + (run.diskLimit() >> 20)
          + " MiB it may write to /work (exit code " + outcome.exitCode() + ")\n" + tail, outcome.exitCode());
    }
    if (outcome.exitCode() != 0) {
      throw JobFailure.EXECUTION_FAILED.failure("exited with code " + outcome.exitCode() + "\n" + tail,
          outcome.exitCode());
    }
    return new ExecuteResult(outcome.exitCode(), "exited with code 0\n" + tail);
  }

  /** The size of a log file; none when the program or build wrote nothing, or its folder is already gone. */
  private static long sizeOrZero(Path file) {
    try {
      return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  // With no disk limit, cleanup still stores at most this much of a working directory beyond the compendium.
  private static final long UNLIMITED_STORE_BYTES = 20L << 30;

  /**
   * The most cleanup stores of a working directory: the compendium plus what the program could write. Sizes are
   * what the file system reports, so a sparse file of terabytes that takes no disk is not hashed and uploaded.
   */
  private long storeBudget(Map<String, FileManifest.Entry> inputs, Provenance provenance) {
    long compendium = inputs.values().stream().mapToLong(FileManifest.Entry::size).sum();
    Long recorded = provenance == null || provenance.limits() == null ? null : provenance.limits().diskBytes();
    long disk = recorded != null && recorded > 0 ? recorded
        : settings.limits().maxDiskBytes() > 0 ? settings.limits().maxDiskBytes() : UNLIMITED_STORE_BYTES;
    return compendium + disk;
  }

  // Below this much free space the file system counts as full: ext4 keeps a few blocks a program cannot fill.
  private static final long FULL_BELOW_BYTES = 1L << 20;

  private boolean diskFull(String jobId) {
    try {
      return JobDisk.isMounted(workspace.workDir(jobId)) && JobDisk.free(workspace.workDir(jobId)) < FULL_BELOW_BYTES;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the free space of job " + jobId, e);
    }
  }

  @Override
  public CleanupResult cleanup(CleanupRequest request) {
    // Cleanup has a heartbeat timeout, so that a worker killed while uploading is noticed in seconds rather than at
    // the end of the ten-minute attempt; one upload may take longer than that, so the heartbeat runs on a timer.
    ActivityExecutionContext context = Activity.getExecutionContext();
    try (Ticker ignored = new Ticker(context)) {
      return removeAndStore(request);
    }
  }

  /** Heartbeats once a second on a thread of its own until closed, or until Temporal says the attempt is over. */
  private static final class Ticker implements AutoCloseable {
    private final Thread thread;

    Ticker(ActivityExecutionContext context) {
      thread = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            context.heartbeat(null);
            Thread.sleep(1000);
          }
        } catch (InterruptedException closed) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException over) {
          // The attempt is over (timed out, or the worker is stopping): its uploads are repeated by the next one.
          log.debug("cleanup heartbeat stopped: {}", over.getMessage());
        }
      }, "cleanup-heartbeat");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      thread.interrupt();
    }
  }

  private CleanupResult removeAndStore(CleanupRequest request) {
    String jobId = request.jobId();
    boolean removed = engine.removeContainer(containerName(jobId));
    try {
      List<String> lines = new ArrayList<>();
      int uploaded = 0;
      int workFiles = 0;
      int outputs = 0;
      long bytes = 0;
      long newBytes = 0;
      long reusedBytes = 0;
      if (Files.isDirectory(workspace.jobDir(jobId))
          && !Files.exists(workspace.jobDir(jobId).resolve(INPUTS), LinkOption.NOFOLLOW_LINKS)) {
        // No record of the compendium's files: validate did not get that far (it failed for the infrastructure's
        // fault), or an earlier cleanup attempt was deleting the folder when its worker died. Either way there is
        // nothing this attempt could store truthfully, and the folder must still go.
        workspace.delete(jobId);
        lines.add(store.stat(StoreKeys.jobManifest(jobId)).isPresent()
            ? "an earlier attempt stored the working directory and had begun deleting the job folder; deleted the rest"
            : "the job folder held no record of the compendium's files (validate did not finish): nothing to upload; "
                + "deleted it");
      } else if (Files.isDirectory(workspace.jobDir(jobId))) {
        Path compendium = compendiumDir(jobId, request.compendiumRoot());
        Map<String, FileManifest.Entry> inputs = new HashMap<>();
        FileManifest.read(workspace.jobDir(jobId).resolve(INPUTS)).files()
            .forEach(entry -> inputs.put(entry.path(), entry));
        List<Glob> keep = Glob.compileValid(request.outputs());
        List<FileManifest.Entry> stored = new ArrayList<>();
        Map<String, Path> locations = new HashMap<>();
        int dropped = 0;
        FileManifest.Scan scan = FileManifest.scanTree(compendium, storeBudget(inputs, request.provenance()));
        for (FileTree.Entry found : scan.listing().files()) {
          FileManifest.Entry file = scan.files().get(found.path());
          FileManifest.Entry before = inputs.get(file.path());
          boolean output = before == null || !before.sha256().equals(file.sha256());
          if (output && keep.stream().noneMatch(glob -> glob.matches(file.path()))) {
            dropped++;
            continue;
          }
          // Content-addressed: bytes already in the store (an input every job shares, an output a re-run
          // reproduced) are not uploaded again; the manifest points at them. The bytes are read from the place the
          // walk found, never from a path re-parsed from text, and the store checks their hash.
          if (blobs.put(found.location(), file.sha256(), file.size(), ContentTypes.of(file.path()))) {
            newBytes += file.size();
          } else {
            reusedBytes += file.size();
          }
          stored.add(new FileManifest.Entry(file.path(), file.size(), file.sha256(), output));
          locations.putIfAbsent(file.sha256(), found.location());
          workFiles++;
          outputs += output ? 1 : 0;
        }
        if (!scan.listing().skipped().isEmpty()) {
          lines.add(scan.listing().skippedSummary());
        }
        for (FileManifest.Entry logEntry : FileManifest.scan(workspace.logDir(jobId)).values()) {
          store.put(StoreKeys.jobLog(jobId, logEntry.path().replaceFirst("\\.log$", "")),
              workspace.logDir(jobId).resolve(logEntry.path()), ContentTypes.of(logEntry.path()));
          uploaded++;
          bytes += logEntry.size();
        }
        if (request.provenance() != null) {
          Path provenanceFile = workspace.jobDir(jobId).resolve("provenance.json");
          FileManifest.JSON.writeValue(provenanceFile.toFile(), request.provenance());
          store.put(StoreKeys.jobFile(jobId, "provenance.json"), provenanceFile, "application/json");
          uploaded++;
          bytes += Files.size(provenanceFile);
          lines.add("provenance.json records what the job ran and on what");
        }
        Path manifestFile = workspace.jobDir(jobId).resolve("manifest.json");
        new FileManifest(stored).write(manifestFile);
        bytes += Files.size(manifestFile);
        store.put(StoreKeys.jobManifest(jobId), manifestFile, "application/json");
        uploaded++;
        // A storage sweep whose mark ran before this manifest existed may have moved a blob found stored above to
        // the trash: every blob the manifest names is checked now, and taken back or stored again from the file
        // (see Storage by content in the README). A sweep that starts later sees the manifest.
        int fixed = 0;
        for (FileManifest.Entry entry : stored) {
          if (locations.containsKey(entry.sha256()) && !"present".equals(blobs.ensure(
              locations.remove(entry.sha256()), entry.sha256(), entry.size(), ContentTypes.of(entry.path())))) {
            fixed++;
          }
        }
        if (fixed > 0) {
          lines.add(fixed + " blobs a storage sweep had moved to the trash while this job was stored were put back");
        }
        metrics.stored(newBytes, reusedBytes);
        lines.add("stored the working directory: " + workFiles + " files (" + (newBytes + reusedBytes) + " bytes), "
            + outputs + " outputs" + (dropped > 0 ? ", " + dropped + " new files not in outputs dropped" : "")
            + "; " + newBytes + " bytes new, " + reusedBytes + " bytes already in the store");
        lines.add("uploaded " + uploaded + " logs and records (" + bytes + " bytes) to " + StoreKeys.jobPrefix(jobId)
            + "; manifest.json lists every file with its size and SHA-256, the key of its bytes");
        workspace.delete(jobId);
      } else if (store.stat(StoreKeys.jobManifest(jobId)).isPresent()) {
        // An earlier attempt stored everything and deleted the folder, and its worker died before it could report.
        lines.add("an earlier attempt stored the working directory (" + StoreKeys.jobManifest(jobId)
            + " is in the store) and deleted the job folder");
      } else {
        lines.add("no job folder on this worker: nothing to upload");
      }
      lines.add(removed ? "removed the container" : "no container to remove");
      if (settings.removeImages() && engine.imageExists(imageTag(jobId))) {
        engine.removeImage(imageTag(jobId));
        if (engine.registry() != null) {
          // The engine's tag of the pushed image; the registry keeps the image, and re-runs pull it by digest.
          engine.removeImage(engine.registry().jobRepository() + ":" + jobId);
        }
        lines.add("removed image " + imageTag(jobId));
      } else {
        lines.add("kept image " + imageTag(jobId) + " for re-runs");
      }
      String text = String.join("\n", lines);
      log.info("cleaned up job {}: {}", jobId, text.replace('\n', ' '));
      return new CleanupResult(uploaded + workFiles, bytes + newBytes + reusedBytes, outputs, text, newBytes,
          reusedBytes);
    } catch (IOException e) {
      throw new UncheckedIOException("could not upload the folder of job " + jobId, e);
    }
  }

  /**
   * The program runs as an unprivileged user, so its working directory must belong to that user. A worker that
   * is not root cannot hand files to another user; then the folder is made writable for all instead.
   */
  private static void grantWorkDirTo(String user, Path workDir) {
    String[] ids = user.split(":");
    try {
      UserPrincipalLookupService lookup = workDir.getFileSystem().getUserPrincipalLookupService();
      Files.walkFileTree(workDir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          own(dir);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          if (!attrs.isSymbolicLink()) {
            own(file);
          }
          return FileVisitResult.CONTINUE;
        }

        private void own(Path path) throws IOException {
          PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
              LinkOption.NOFOLLOW_LINKS);
          try {
            view.setOwner(lookup.lookupPrincipalByName(ids[0]));
            if (ids.length > 1) {
              view.setGroup(lookup.lookupPrincipalByGroupName(ids[1]));
            }
          } catch (IOException notRoot) {
            path.toFile().setWritable(true, false);
            path.toFile().setReadable(true, false);
            path.toFile().setExecutable(Files.isDirectory(path) || path.toFile().canExecute(), false);
          }
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("could not hand the working directory to user " + user, e);
    }
  }

  private static void writeLine(BufferedWriter out, String line) {
    try {
      out.write(line);
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
