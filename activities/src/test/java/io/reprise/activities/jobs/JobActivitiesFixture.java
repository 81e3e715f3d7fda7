package io.reprise.activities.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.Compendia;
import io.reprise.activities.TestStack;
import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.compendia.ManifestLimits;
import io.reprise.activities.docker.DockerSettings;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.workflows.jobs.JobActivities;
import io.reprise.workflows.jobs.JobActivities.CleanupRequest;
import io.reprise.workflows.jobs.JobActivities.CompileRequest;
import io.reprise.workflows.jobs.JobActivities.CompileResult;
import io.reprise.workflows.jobs.JobActivities.ExecuteRequest;
import io.reprise.workflows.jobs.JobActivities.ExecuteResult;
import io.reprise.workflows.jobs.JobActivities.ValidateRequest;
import io.reprise.workflows.jobs.JobFailure;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of the job activities share: the activities against the real Docker engine and the real MinIO that
 * docker/stack started, in a test environment of their own, with small limits so tests can pass them quickly.
 */
abstract class JobActivitiesFixture {

  static final String BUCKET = "reprise-test";
  static final String WORKER_QUEUE = "reprise-test@this-worker";
  // Small limits, so that tests can pass them quickly.
  static final long DISK_LIMIT = 32L << 20;
  static final long LOG_LIMIT = 1L << 20;

  @TempDir
  Path workRoot;

  TestActivityEnvironment env;
  JobActivities activities;
  MinioArtifactStore store;
  DockerContainerEngine engine;
  final List<String> jobs = new ArrayList<>();
  /** What the activities reported to their metrics, one line per call: "ended 3 EXITED", "log execute 12", ... */
  final List<String> reported = java.util.Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void setUp() {
    store = MinioArtifactStore.connect(TestStack.minio(BUCKET));
    engine = DockerContainerEngine.connect(new DockerSettings(TestStack.dockerHost()));
    ExecutionSettings settings = new ExecutionSettings(workRoot, WORKER_QUEUE, "65534:65534", 64,
        new ManifestLimits(Duration.ofSeconds(60), Duration.ofMinutes(5), 128L << 20, 256L << 20, 1.0, 1.0,
            DISK_LIMIT, 2 * DISK_LIMIT),
        false, new ExecutionSettings.Origin("test-host", "test-version", "test-temporal"), Duration.ofMinutes(7),
        ExecutionSettings.DEFAULT_BUILD_LIMITS, ExecutionSettings.DEFAULT_BUILD_LOG_MAX_BYTES, LOG_LIMIT);
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new JobActivitiesImpl(store, engine, settings, new JobMetrics() {
      @Override
      public void programEnded(int exitCode, ProgramEnd end) {
        reported.add("ended " + exitCode + " " + end);
      }

      @Override
      public void logKept(String step, long bytes) {
        reported.add("log " + step + " " + bytes);
      }

      @Override
      public void stored(long addedBytes, long reusedBytes) {
        reported.add("stored " + addedBytes + " " + reusedBytes);
      }
    }));
    activities = env.newActivityStub(JobActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(5))
        // The SDK sends heartbeats at most every 80% of this timeout, and cancellation only arrives with a sent
        // heartbeat; without it the interval is 30 s. The activities heartbeat every second, so it never expires.
        .setHeartbeatTimeout(Duration.ofSeconds(3))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterEach
  void tearDown() throws IOException {
    env.close();
    Workspace workspace = new Workspace(workRoot);
    for (String job : jobs) {
      // A test that failed before cleanup leaves the job's file system mounted.
      workspace.delete(job);
    }
    // Cleanup keeps job images for re-runs; tests remove theirs so the engine does not fill up.
    for (String job : jobs) {
      engine.removeContainer(JobActivitiesImpl.containerName(job));
      try {
        engine.client().removeImageCmd(JobActivitiesImpl.imageTag(job)).withForce(true).exec();
      } catch (RuntimeException absent) {
        // The image was never built: nothing to remove.
      }
    }
  }

  /** Stores the archive as a compendium and answers a fresh job id for it. */
  String newJob(byte[] archive, String compendiumId) {
    store.put(StoreKeys.compendiumArchive(compendiumId), new ByteArrayInputStream(archive), archive.length,
        "application/zip");
    String job = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 11);
    jobs.add(job);
    return job;
  }

  static String compendiumId() {
    return "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 11);
  }

  static ApplicationFailure userError(Runnable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
    return assertInstanceOf(ApplicationFailure.class, failure.getCause());
  }

  /** A file of the job as the API serves it: working-directory files through the manifest and their blobs. */
  String stored(String job, String path) throws IOException {
    try (InputStream in = new JobFiles(store).open(job, path).orElseThrow()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Validates and compiles a stored compendium; answers what validate said and the image tag. */
  record Prepared(JobActivities.ValidateResult validated, CompileResult compiled) {}

  Prepared prepare(String job, String compendium) {
    JobActivities.ValidateResult validated = activities.validate(new ValidateRequest(job, compendium));
    CompileResult compiled = activities.compile(new CompileRequest(job, validated.compendiumRoot()));
    return new Prepared(validated, compiled);
  }

  ExecuteResult execute(String job, Prepared prepared) {
    return activities.execute(new ExecuteRequest(job, prepared.compiled().imageTag(),
        prepared.validated().compendiumRoot(), prepared.validated().run()));
  }

  JobActivities.CleanupResult cleanup(String job, Prepared prepared) {
    return activities.cleanup(new CleanupRequest(job, prepared.validated().compendiumRoot(),
        prepared.validated().run().outputs(), null));
  }

  /** A busybox image that runs the compendium's run.sh. */
  static String busybox() {
    return "FROM reprise/busybox\nCOPY run.sh /run.sh\nCMD [\"sh\", \"/run.sh\"]\n";
  }
}
