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

/** The job activities against the real Docker engine and the real MinIO that docker/stack started. */
class JobActivitiesTest extends JobActivitiesFixture {

  @Test
  void exampleCompendiumRunsAndItsResultReachesMinio() throws IOException {
    String compendium = compendiumId();
    String job = newJob(Compendia.helloAnalysis(), compendium);

    Prepared prepared = prepare(job, compendium);
    JobActivities.ValidateResult validated = prepared.validated();
    CompileResult compiled = prepared.compiled();
    ExecuteResult executed = execute(job, prepared);
    JobActivities.CleanupResult cleaned = cleanup(job, prepared);

    assertEquals(WORKER_QUEUE, validated.workerQueue());
    assertEquals(7 * 60L, validated.hostWaitSeconds(), "the worker's host wait reaches the workflow");
    assertTrue(validated.origin().compendiumContentHash().matches("sha256:[0-9a-f]{64}"));
    assertTrue(validated.origin().dockerVersion().matches("\\d+\\.\\d+.*"), validated.origin().dockerVersion());
    assertEquals("test-host", validated.origin().workerHost());
    assertTrue(compiled.environment().stream().anyMatch(e -> e.startsWith("PATH=")), compiled.environment().toString());
    assertEquals("reprise/python", compiled.baseImage());
    assertTrue(compiled.baseImageId().startsWith("sha256:"), compiled.baseImageId());
    assertEquals(1, cleaned.outputFiles(), "results/summary.txt is the one output");
    String manifest = stored(job, "manifest.json");
    assertTrue(manifest.contains("\"path\" : \"results/summary.txt\""), manifest);
    assertEquals(3, validated.fileCount());
    assertTrue(compiled.imageId().startsWith("sha256:"), compiled.imageId());
    assertEquals(0, executed.exitCode());
    assertTrue(executed.text().contains("wrote results/summary.txt"), executed.text());
    assertTrue(stored(job, "work/results/summary.txt").contains("mean temperature: 21.13 C"));
    assertTrue(stored(job, "logs/compile.log").contains("Step 1/4 : FROM reprise/python"));
    assertTrue(stored(job, "logs/execute.log").contains("read 7 rows"));
    assertEquals(cleaned.uploadedFiles(), new JobFiles(store).list(job).size());
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

    Prepared prepared = prepare(job, compendium);
    execute(job, prepared);
    cleanup(job, prepared);

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
    Prepared prepared = prepare(job, compendium);

    ApplicationFailure failure = userError(() -> execute(job, prepared));

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

    ApplicationFailure failure = userError(() -> activities.compile(new CompileRequest(job, "")));

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

  @Test
  void programPastItsTimeLimitIsStoppedAndReported() {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of("Dockerfile", busybox(), "run.sh", "echo started; sleep 60\n",
        "reprise.yml", "timeout: 2s\n")), compendium);
    Prepared prepared = prepare(job, compendium);

    ApplicationFailure failure = userError(() -> execute(job, prepared));

    assertTrue(failure.getOriginalMessage().startsWith("timed out after 2 s"), failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains("started"), failure.getOriginalMessage());
    assertFalse(running(job), "the container was stopped");
  }

  @Test
  void programThatRunsOutOfMemoryIsReportedAsSuch() {
    String compendium = compendiumId();
    // tail keeps a line without end in memory, so it grows until the 32 MiB limit stops it.
    String job = newJob(Compendia.zip(Map.of("Dockerfile", busybox(),
        "run.sh", "head -c 300000000 /dev/zero | tail\n", "reprise.yml", "memory: 32m\n")), compendium);
    Prepared prepared = prepare(job, compendium);

    ApplicationFailure failure = userError(() -> execute(job, prepared));

    assertTrue(failure.getOriginalMessage().startsWith("out of memory (limit 32 MiB)"), failure.getOriginalMessage());
  }

  @Test
  void cancelledExecuteKillsItsContainer() throws Exception {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of("Dockerfile", busybox(), "run.sh", "sleep 120\n")), compendium);
    Prepared prepared = prepare(job, compendium);
    java.util.concurrent.CompletableFuture<ExecuteResult> running =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> execute(job, prepared));
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
    while (!running(job)) {
      assertTrue(java.time.Instant.now().isBefore(deadline), "the container never started");
      Thread.sleep(100);
    }

    env.requestCancelActivity();

    java.util.concurrent.ExecutionException ended = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> running.get(30, java.util.concurrent.TimeUnit.SECONDS));
    assertInstanceOf(io.temporal.failure.CanceledFailure.class, ended.getCause(), ended.toString());
    assertFalse(running(job), "the container was killed");
  }

  private boolean running(String job) {
    try {
      return Boolean.TRUE.equals(engine.client().inspectContainerCmd(JobActivitiesImpl.containerName(job)).exec()
          .getState().getRunning());
    } catch (com.github.dockerjava.api.exception.NotFoundException e) {
      return false;
    }
  }

  @Test
  void bagWhoseChecksumsDoNotMatchNamesEveryBadFile() {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of(
        "bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "manifest-sha256.txt", sha256("FROM reprise/busybox\n") + "  data/Dockerfile\n"
            + sha256("the original\n") + "  data/a.txt\n" + sha256("the original\n") + "  data/b.txt\n",
        "data/Dockerfile", "FROM reprise/busybox\n",
        "data/a.txt", "changed after bagging\n",
        "data/b.txt", "changed too\n")), compendium);

    ApplicationFailure failure = userError(() -> activities.validate(new ValidateRequest(job, compendium)));

    assertEquals(JobFailure.INVALID_COMPENDIUM.name(), failure.getType());
    assertTrue(failure.getOriginalMessage().contains("data/a.txt, data/b.txt"), failure.getOriginalMessage());
    assertFalse(failure.getOriginalMessage().contains("Dockerfile"), failure.getOriginalMessage());
  }

  @Test
  void validBagRunsFromItsPayloadFolder() throws IOException {
    String compendium = compendiumId();
    String dockerfile = busybox();
    String script = "mkdir -p out && echo from the bag > out/result.txt\n";
    String job = newJob(Compendia.zip(Map.of(
        "bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "manifest-sha256.txt", sha256(dockerfile) + "  data/Dockerfile\n" + sha256(script) + "  data/run.sh\n",
        "data/Dockerfile", dockerfile,
        "data/run.sh", script)), compendium);

    Prepared prepared = prepare(job, compendium);
    execute(job, prepared);
    cleanup(job, prepared);

    assertEquals("data", prepared.validated().compendiumRoot());
    assertTrue(prepared.validated().text().contains("BagIt bag verified: 2 payload files"));
    assertEquals("from the bag", stored(job, "work/out/result.txt").trim());
  }

  @Test
  void manifestWithAnUnknownKeyIsRefusedNamingTheKey() {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of("Dockerfile", busybox(), "reprise.yml", "timeout: 5m\nnetwork: on\n")),
        compendium);

    ApplicationFailure failure = userError(() -> activities.validate(new ValidateRequest(job, compendium)));

    assertTrue(failure.getOriginalMessage().contains("unknown key 'network'"), failure.getOriginalMessage());
  }

  @Test
  void manifestValuesAboveTheServerMaximumAreCappedWithAWarning() {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of("Dockerfile", busybox(),
        "reprise.yml", "memory: 4g\ncommand: [sh, -c, 'echo hi']\noutputs: [results/**]\n")), compendium);

    JobActivities.ValidateResult validated = activities.validate(new ValidateRequest(job, compendium));

    assertEquals(256L << 20, validated.run().memoryBytes());
    assertEquals(List.of("sh", "-c", "echo hi"), validated.run().command());
    assertEquals(List.of("results/**"), validated.run().outputs());
    assertEquals(1, validated.warnings().size());
    assertTrue(validated.warnings().get(0).startsWith("memory"), validated.warnings().toString());
  }

  @Test
  void dockerfileOnAMissingBaseImageListsTheAvailableOnes() {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of("Dockerfile", "ARG BASE=rocker/r-ver:4.4\nFROM ${BASE}\nRUN true\n")),
        compendium);

    ApplicationFailure failure = userError(() -> activities.validate(new ValidateRequest(job, compendium)));

    assertTrue(failure.getOriginalMessage().contains("rocker/r-ver:4.4 is not on this server"),
        failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains("reprise/busybox:latest"), failure.getOriginalMessage());
  }

  @Test
  void onlyDeclaredOutputsAreKeptAndTheManifestMarksThem() throws IOException {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of("Dockerfile", busybox(),
        "run.sh", "mkdir -p results scratch && echo 42 > results/answer.txt && echo big > scratch/tmp.bin\n",
        "reprise.yml", "outputs: ['results/**']\n")), compendium);
    Prepared prepared = prepare(job, compendium);
    execute(job, prepared);

    JobActivities.CleanupResult cleaned = cleanup(job, prepared);

    assertEquals(1, cleaned.outputFiles());
    assertTrue(cleaned.text().contains("1 new files not in outputs dropped"), cleaned.text());
    assertEquals("42", stored(job, "work/results/answer.txt").trim());
    assertTrue(new JobFiles(store).locate(job, "work/scratch/tmp.bin").isEmpty());
    String manifest = stored(job, "manifest.json");
    assertTrue(manifest.contains(sha256("42\n")), manifest);
  }

  private static String sha256(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void workingDirectoryIsStoredByContentSoAReRunWithTheSameOutputsAddsNoBytes() throws IOException {
    // A nonce makes this compendium's files new to the store, whatever earlier test runs left in the bucket.
    String nonce = UUID.randomUUID().toString();
    byte[] archive = Compendia.zip(Map.of("Dockerfile", busybox(), "nonce.txt", nonce + "\n",
        "run.sh", "mkdir -p results && cat nonce.txt nonce.txt > results/twice.txt\n"));
    String compendium = compendiumId();
    String first = newJob(archive, compendium);
    String second = newJob(archive, compendium);

    JobActivities.CleanupResult firstCleanup = runToCleanup(first, compendium);
    JobActivities.CleanupResult secondCleanup = runToCleanup(second, compendium);

    long workBytes = firstCleanup.newBytes() + firstCleanup.reusedBytes();
    assertTrue(firstCleanup.newBytes() >= nonce.length() * 3L, "the nonce and its output were new: "
        + firstCleanup.text());
    assertEquals(0L, secondCleanup.newBytes(), secondCleanup.text());
    assertEquals(workBytes, secondCleanup.reusedBytes(), secondCleanup.text());
    assertTrue(secondCleanup.text().contains("0 bytes new, " + workBytes + " bytes already in the store"),
        secondCleanup.text());
    FileManifest.Entry output = new JobFiles(store).manifest(second).orElseThrow().files().stream()
        .filter(e -> e.path().equals("results/twice.txt")).findFirst().orElseThrow();
    assertTrue(output.output());
    assertEquals(StoreKeys.blob(output.sha256()), new JobFiles(store).locate(first, "work/results/twice.txt")
        .orElseThrow().key(), "both jobs point at one blob");
    assertEquals(nonce + "\n" + nonce + "\n", stored(second, "work/results/twice.txt"));
    assertTrue(store.list(StoreKeys.jobPrefix(second)).stream().noneMatch(o -> o.key().contains("/work/")),
        "no job keeps its own copy of its working directory");
  }

  @Test
  void retriedExecuteTakesTheOutcomeOfTheContainerAnEarlierAttemptLeftInsteadOfRunningAgain() throws IOException {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of("Dockerfile", busybox(),
        "run.sh", "mkdir -p results && echo start >> results/starts.txt && echo ran; exit 3\n")), compendium);
    Prepared prepared = prepare(job, compendium);
    userError(() -> execute(job, prepared));

    // A second attempt (a retry after the worker went away) finds the exited container of the first one.
    ApplicationFailure again = userError(() -> execute(job, prepared));

    assertTrue(again.getOriginalMessage().startsWith("exited with code 3"), again.getOriginalMessage());
    assertTrue(again.getOriginalMessage().contains("ran"), "the log comes from the container: " + again);
    cleanup(job, prepared);
    assertEquals("start\n", stored(job, "work/results/starts.txt"), "the program ran once");
  }

  private JobActivities.CleanupResult runToCleanup(String job, String compendium) {
    Prepared prepared = prepare(job, compendium);
    execute(job, prepared);
    return cleanup(job, prepared);
  }
}
