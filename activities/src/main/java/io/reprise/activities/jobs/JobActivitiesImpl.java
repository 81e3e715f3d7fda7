package io.reprise.activities.jobs;

import io.reprise.activities.compendia.SafeUnpacker;
import io.reprise.activities.compendia.UnpackLimits;
import io.reprise.activities.compendia.UnpackSummary;
import io.reprise.activities.compendia.UnsafeArchiveException;
import io.reprise.activities.docker.BuildFailedException;
import io.reprise.activities.docker.ContainerEngine;
import io.reprise.activities.docker.RunOutcome;
import io.reprise.activities.docker.RunSpec;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.workflows.jobs.JobActivities;
import io.reprise.workflows.jobs.JobFailure;
import io.reprise.workflows.jobs.JobSteps;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's activities on one worker. Every name they create (folders, image tags, containers, object keys)
 * derives from the job id, so a retried attempt finds and replaces what an earlier attempt left.
 */
public class JobActivitiesImpl implements JobActivities {

  private static final Logger log = LoggerFactory.getLogger(JobActivitiesImpl.class);

  private final ArtifactStore store;
  private final ContainerEngine engine;
  private final Workspace workspace;
  private final ExecutionSettings settings;
  private final SafeUnpacker unpacker = new SafeUnpacker(UnpackLimits.DEFAULT);

  public JobActivitiesImpl(ArtifactStore store, ContainerEngine engine, ExecutionSettings settings) {
    this.store = store;
    this.engine = engine;
    this.settings = settings;
    this.workspace = new Workspace(settings.workRoot());
  }

  public static String imageTag(String jobId) {
    return "reprise/job-" + Workspace.checkJobId(jobId) + ":latest";
  }

  public static String containerName(String jobId) {
    return "reprise-job-" + Workspace.checkJobId(jobId);
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
      UnpackSummary summary;
      try {
        summary = unpacker.unpack(workspace.archive(jobId), workspace.workDir(jobId));
      } catch (UnsafeArchiveException e) {
        throw JobFailure.INVALID_COMPENDIUM.failure("the archive was refused: " + e.getMessage());
      }
      Path dockerfile = workspace.workDir(jobId).resolve("Dockerfile");
      if (!Files.isRegularFile(dockerfile, LinkOption.NOFOLLOW_LINKS)) {
        throw JobFailure.INVALID_COMPENDIUM.failure("the compendium has no Dockerfile at its top level");
      }
      String text = "unpacked " + summary.format() + " archive: " + summary.files() + " files, "
          + summary.bytes() + " bytes; Dockerfile found";
      return new ValidateResult(summary.files(), summary.bytes(), text);
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare the folder of job " + jobId, e);
    }
  }

  @Override
  public CompileResult compile(CompileRequest request) {
    String jobId = request.jobId();
    ActivityExecutionContext context = Activity.getExecutionContext();
    Path logFile = workspace.logDir(jobId).resolve(JobSteps.COMPILE + ".log");
    LogTail tail = new LogTail();
    String tag = imageTag(jobId);
    try {
      Files.createDirectories(logFile.getParent());
      try (BufferedWriter logOut = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
        long[] lines = {0};
        String imageId;
        try {
          imageId = engine.build(workspace.workDir(jobId), tag, line -> {
            tail.add(line);
            writeLine(logOut, line);
            // Heartbeats are throttled by the SDK, so one per line costs little and shows progress.
            context.heartbeat(++lines[0]);
          });
        } catch (BuildFailedException e) {
          throw JobFailure.BUILD_FAILED.failure("the image did not build: " + e.getMessage() + "\n" + tail);
        }
        return new CompileResult(imageId, tag, "built image " + imageId + " (" + tag + ")\n" + tail);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the build log of job " + jobId, e);
    }
  }

  @Override
  public ExecuteResult execute(ExecuteRequest request) {
    String jobId = request.jobId();
    ActivityExecutionContext context = Activity.getExecutionContext();
    Path workDir = workspace.workDir(jobId);
    Path logFile = workspace.logDir(jobId).resolve(JobSteps.EXECUTE + ".log");
    grantWorkDirTo(settings.user(), workDir);
    RunSpec spec = new RunSpec(request.imageTag(), containerName(jobId), workDir, null, settings.user(),
        settings.memoryBytes(), settings.cpus(), settings.pidsLimit(), settings.timeout(), logFile);
    RunOutcome outcome = engine.run(spec, () -> context.heartbeat(null));
    String tail;
    try {
      tail = LogTail.of(logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the log of job " + jobId, e);
    }
    if (outcome.timedOut()) {
      throw JobFailure.EXECUTION_FAILED.failure(
          "timed out after " + settings.timeout().toSeconds() + " s\n" + tail);
    }
    if (outcome.outOfMemory()) {
      throw JobFailure.EXECUTION_FAILED.failure("out of memory\n" + tail);
    }
    if (outcome.exitCode() != 0) {
      throw JobFailure.EXECUTION_FAILED.failure("exited with code " + outcome.exitCode() + "\n" + tail);
    }
    return new ExecuteResult(outcome.exitCode(), "exited with code 0\n" + tail);
  }

  @Override
  public CleanupResult cleanup(CleanupRequest request) {
    String jobId = request.jobId();
    boolean removed = engine.removeContainer(containerName(jobId));
    Path jobDir = workspace.jobDir(jobId);
    List<Path> uploads = new ArrayList<>();
    try {
      collectFiles(workspace.workDir(jobId), uploads);
      collectFiles(workspace.logDir(jobId), uploads);
      long bytes = 0;
      for (Path file : uploads) {
        String relative = jobDir.relativize(file).toString().replace('\\', '/');
        store.put(StoreKeys.jobFile(jobId, relative), file, ContentTypes.of(file));
        bytes += Files.size(file);
      }
      workspace.delete(jobId);
      String text = "uploaded " + uploads.size() + " files (" + bytes + " bytes) to "
          + StoreKeys.jobPrefix(jobId) + (removed ? "; removed the container" : "; no container to remove")
          + "; kept image " + imageTag(jobId);
      log.info("cleaned up job {}: {}", jobId, text);
      return new CleanupResult(uploads.size(), bytes, text);
    } catch (IOException e) {
      throw new UncheckedIOException("could not upload the folder of job " + jobId, e);
    }
  }

  /** Regular files under the folder; links are not followed, so nothing outside the job is read. */
  private static void collectFiles(Path dir, List<Path> into) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          into.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    into.sort(null);
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
            UserPrincipal owner = lookup.lookupPrincipalByName(ids[0]);
            view.setOwner(owner);
            if (ids.length > 1) {
              GroupPrincipal group = lookup.lookupPrincipalByGroupName(ids[1]);
              view.setGroup(group);
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
