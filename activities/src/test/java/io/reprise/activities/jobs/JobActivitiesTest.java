package io.reprise.activities.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.Compendia;
import io.reprise.activities.TestStack;
import io.reprise.activities.docker.DockerContainerEngine;
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

/** The job activities against the real Docker engine and the real MinIO that docker/stack started. */
class JobActivitiesTest {

  private static final String BUCKET = "reprise-test";

  @TempDir
  Path workRoot;

  private TestActivityEnvironment env;
  private JobActivities activities;
  private MinioArtifactStore store;
  private DockerContainerEngine engine;
  private final List<String> jobs = new ArrayList<>();

  @BeforeEach
  void setUp() {
    store = MinioArtifactStore.connect(TestStack.minio(BUCKET));
    engine = DockerContainerEngine.connect(new DockerSettings(TestStack.dockerHost()));
    ExecutionSettings settings = new ExecutionSettings(workRoot, "65534:65534", 128L * 1024 * 1024, 1.0, 64,
        Duration.ofSeconds(60));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new JobActivitiesImpl(store, engine, settings));
    activities = env.newActivityStub(JobActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(5))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterEach
  void tearDown() {
    env.close();
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
  private String newJob(byte[] archive, String compendiumId) {
    store.put(StoreKeys.compendiumArchive(compendiumId), new ByteArrayInputStream(archive), archive.length,
        "application/zip");
    String job = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 11);
    jobs.add(job);
    return job;
  }

  private static String compendiumId() {
    return "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 11);
  }

  private static ApplicationFailure userError(Runnable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
    return assertInstanceOf(ApplicationFailure.class, failure.getCause());
  }

  private String stored(String job, String path) throws IOException {
    try (InputStream in = store.open(StoreKeys.jobFile(job, path)).orElseThrow()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void exampleCompendiumRunsAndItsResultReachesMinio() throws IOException {
    String compendium = compendiumId();
    String job = newJob(Compendia.helloAnalysis(), compendium);

    JobActivities.ValidateResult validated = activities.validate(new ValidateRequest(job, compendium));
    CompileResult compiled = activities.compile(new CompileRequest(job));
    ExecuteResult executed = activities.execute(new ExecuteRequest(job, compiled.imageTag()));
    JobActivities.CleanupResult cleaned = activities.cleanup(new CleanupRequest(job));

    assertEquals(3, validated.fileCount());
    assertTrue(compiled.imageId().startsWith("sha256:"), compiled.imageId());
    assertEquals(0, executed.exitCode());
    assertTrue(executed.text().contains("wrote results/summary.txt"), executed.text());
    assertTrue(stored(job, "work/results/summary.txt").contains("mean temperature: 21.13 C"));
    assertTrue(stored(job, "logs/compile.log").contains("Step 1/4 : FROM reprise/python"));
    assertTrue(stored(job, "logs/execute.log").contains("read 7 rows"));
    assertEquals(cleaned.uploadedFiles(), store.list(StoreKeys.jobPrefix(job)).size());
    assertFalse(java.nio.file.Files.exists(workRoot.resolve(job)), "cleanup leaves no scratch space behind");
  }

  @Test
  void programRunsFencedWithoutNetworkRootOrWritableRootFilesystem() throws IOException {
    String script = String.join("\n",
        "mkdir -p results",
        "id -u > results/uid",
        "if touch /etc/written 2>/dev/null; then echo writable; else echo read-only; fi > results/rootfs",
        "ls /sys/class/net > results/interfaces",
        // MinIO listens on the host's loopback; a container with network 'none' has a loopback of its own.
        "if wget -q -T 3 -O - http://127.0.0.1:9000/minio/health/live; then echo reached; else echo unreachable; fi"
            + " > results/network 2>/dev/null",
        "");
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of(
        "Dockerfile", "FROM reprise/busybox\nCOPY probe.sh /probe.sh\nCMD [\"sh\", \"/probe.sh\"]\n",
        "probe.sh", script)), compendium);

    activities.validate(new ValidateRequest(job, compendium));
    CompileResult compiled = activities.compile(new CompileRequest(job));
    activities.execute(new ExecuteRequest(job, compiled.imageTag()));
    activities.cleanup(new CleanupRequest(job));

    assertEquals("65534", stored(job, "work/results/uid").trim());
    assertEquals("read-only", stored(job, "work/results/rootfs").trim());
    assertEquals("lo", stored(job, "work/results/interfaces").trim());
    assertEquals("unreachable", stored(job, "work/results/network").trim());
  }

  @Test
  void failingProgramFailsExecuteWithItsExitCodeAndLog() {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of(
        "Dockerfile", "FROM reprise/busybox\nCMD [\"sh\", \"-c\", \"echo something broke; exit 3\"]\n")), compendium);
    activities.validate(new ValidateRequest(job, compendium));
    CompileResult compiled = activities.compile(new CompileRequest(job));

    ApplicationFailure failure = userError(() -> activities.execute(new ExecuteRequest(job, compiled.imageTag())));

    assertEquals(JobFailure.EXECUTION_FAILED.name(), failure.getType());
    assertTrue(failure.isNonRetryable());
    assertTrue(failure.getOriginalMessage().startsWith("exited with code 3"), failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains("something broke"), failure.getOriginalMessage());
  }

  @Test
  void failingBuildNamesTheInstruction() {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of(
        "Dockerfile", "FROM reprise/busybox\nRUN echo building && false\n")), compendium);
    activities.validate(new ValidateRequest(job, compendium));

    ApplicationFailure failure = userError(() -> activities.compile(new CompileRequest(job)));

    assertEquals(JobFailure.BUILD_FAILED.name(), failure.getType());
    assertTrue(failure.getOriginalMessage().contains("RUN echo building && false"), failure.getOriginalMessage());
  }

  @Test
  void compendiumWithoutDockerfileFailsValidate() {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of("analysis.py", "print(1)\n")), compendium);

    ApplicationFailure failure = userError(() -> activities.validate(new ValidateRequest(job, compendium)));

    assertEquals(JobFailure.INVALID_COMPENDIUM.name(), failure.getType());
    assertTrue(failure.getOriginalMessage().contains("no Dockerfile"), failure.getOriginalMessage());
  }

  @Test
  void archiveThatEscapesFailsValidate() {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\n", "../escape.txt", "x")),
        compendium);

    ApplicationFailure failure = userError(() -> activities.validate(new ValidateRequest(job, compendium)));

    assertEquals(JobFailure.INVALID_COMPENDIUM.name(), failure.getType());
    assertTrue(failure.getOriginalMessage().contains("outside the compendium folder"), failure.getOriginalMessage());
  }
}
