package io.reprise.activities.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.Compendia;
import io.reprise.activities.TestStack;
import io.reprise.activities.compendia.ManifestLimits;
import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.docker.DockerSettings;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.workflows.jobs.JobActivities;
import io.reprise.workflows.jobs.JobActivities.ValidateRequest;
import io.reprise.workflows.jobs.JobFailure;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A validate that fails for the user's fault leaves no folder on the worker: nothing of a refused archive stays on
 * the disk, and cleanup, which may run on another worker, finds nothing to upload. Uses the real MinIO that
 * docker/stack started, in a bucket of its own.
 */
class ValidateCleanupTest {

  private static final String BUCKET = "reprise-test-validate-cleanup";

  @TempDir
  Path workRoot;

  private TestActivityEnvironment env;
  private JobActivities activities;
  private MinioArtifactStore store;

  @BeforeEach
  void setUp() {
    store = MinioArtifactStore.connect(TestStack.minio(BUCKET));
    DockerContainerEngine engine = DockerContainerEngine.connect(new DockerSettings(TestStack.dockerHost()));
    ExecutionSettings settings = new ExecutionSettings(workRoot, "reprise-test@validate-cleanup", "65534:65534", 64,
        new ManifestLimits(Duration.ofSeconds(60), Duration.ofMinutes(5), 128L << 20, 256L << 20, 1.0, 1.0),
        false, new ExecutionSettings.Origin("test-host", "test-version", "test-temporal"), Duration.ofMinutes(7));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new JobActivitiesImpl(store, engine, settings));
    activities = env.newActivityStub(JobActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private static String newId(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 11);
  }

  /** Stores the archive as a compendium, validates a new job on it, and answers the job's user error. */
  private ValidateFailure validate(byte[] archive) {
    String compendium = newId("c");
    if (archive != null) {
      store.put(StoreKeys.compendiumArchive(compendium), new ByteArrayInputStream(archive), archive.length,
          "application/zip");
    }
    String job = newId("t");
    ActivityFailure failure = assertThrows(ActivityFailure.class,
        () -> activities.validate(new ValidateRequest(job, compendium)));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(JobFailure.INVALID_COMPENDIUM.name(), cause.getType());
    return new ValidateFailure(workRoot.resolve(job), cause.getOriginalMessage());
  }

  private record ValidateFailure(Path jobFolder, String message) {}

  /** Cleanup of the job with every file an output, as a compendium without a reprise.yml has it. */
  private JobActivities.CleanupResult cleanupOfEverything(String job) {
    return activities.cleanup(new JobActivities.CleanupRequest(job, "", List.of("**"), null));
  }

  /**
   * A cleanup whose worker is killed while it deletes the job folder (everything stored, manifest.json last) leaves
   * part of the folder, without inputs.json. The next attempt must not store that remnant: every file in it would
   * count as an output, and its manifest.json would replace the complete one, so the job's other outputs would be
   * lost. It deletes the remnant and keeps what the earlier attempt stored.
   */
  @Test
  void cleanupRetriedAfterAnInterruptedDeleteKeepsTheStoredManifest() throws Exception {
    String job = newId("t");
    byte[] complete = "{\"files\":[{\"path\":\"results/a.txt\",\"size\":2,\"sha256\":\"x\",\"output\":true}]}"
        .getBytes(StandardCharsets.UTF_8);
    store.put(StoreKeys.jobManifest(job), new ByteArrayInputStream(complete), complete.length, "application/json");
    Path folder = workRoot.resolve(job);
    Files.createDirectories(folder.resolve("work/results"));
    Files.writeString(folder.resolve("work/results/half.txt"), "left by an interrupted delete\n");

    JobActivities.CleanupResult result = cleanupOfEverything(job);

    assertFalse(Files.exists(folder, LinkOption.NOFOLLOW_LINKS), "the remnant stayed");
    try (InputStream stored = store.open(StoreKeys.jobManifest(job)).orElseThrow()) {
      assertEquals(new String(complete, StandardCharsets.UTF_8),
          new String(stored.readAllBytes(), StandardCharsets.UTF_8), "the stored manifest changed");
    }
    assertTrue(result.text().contains("an earlier attempt stored the working directory"), result.text());
  }

  /** A folder that validate left without inputs.json (it failed for the infrastructure's fault) is deleted. */
  @Test
  void cleanupOfAFolderThatValidateDidNotFinishDeletesIt() throws Exception {
    String job = newId("t");
    Path folder = workRoot.resolve(job);
    Files.createDirectories(folder.resolve("unpacked"));
    Files.writeString(folder.resolve("unpacked/Dockerfile"), "FROM reprise/busybox\n");

    JobActivities.CleanupResult result = cleanupOfEverything(job);

    assertFalse(Files.exists(folder, LinkOption.NOFOLLOW_LINKS), "the folder stayed");
    assertEquals(0, result.outputFiles());
    assertTrue(result.text().contains("no record of the compendium's files"), result.text());
  }

  @Test
  void refusedArchiveLeavesNoFolder() {
    ValidateFailure failed = validate(Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\n",
        "../escape.txt", "x")));

    assertTrue(failed.message().contains("outside the compendium folder"), failed.message());
    assertFalse(Files.exists(failed.jobFolder(), LinkOption.NOFOLLOW_LINKS), "the refused archive's folder stayed");
  }

  @Test
  void invalidCompendiumLeavesNoFolder() {
    ValidateFailure failed = validate(Compendia.zip(Map.of("analysis.py", "print(1)\n")));

    assertTrue(failed.message().contains("no Dockerfile"), failed.message());
    assertFalse(Files.exists(failed.jobFolder(), LinkOption.NOFOLLOW_LINKS), "the invalid compendium's folder stayed");
  }

  @Test
  void compendiumThatIsNotStoredLeavesNoFolder() {
    ValidateFailure failed = validate(null);

    assertTrue(failed.message().contains("is not stored"), failed.message());
    assertFalse(Files.exists(failed.jobFolder(), LinkOption.NOFOLLOW_LINKS), "the job's empty folder stayed");
  }
}
