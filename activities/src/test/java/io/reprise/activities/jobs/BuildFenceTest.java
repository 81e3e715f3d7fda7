package io.reprise.activities.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Container;
import io.reprise.activities.Compendia;
import io.reprise.activities.TestStack;
import io.reprise.activities.compendia.ManifestLimits;
import io.reprise.activities.docker.ContainerEngine.BuildLimits;
import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.docker.DockerSettings;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.workflows.jobs.JobActivities;
import io.reprise.workflows.jobs.JobActivities.CompileRequest;
import io.reprise.workflows.jobs.JobActivities.CompileResult;
import io.reprise.workflows.jobs.JobActivities.ValidateRequest;
import io.reprise.workflows.jobs.JobFailure;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fence around a build, on the real Docker engine and MinIO: no URL sources and no other job's image, limits on
 * memory, CPU, processes, time and log, a heartbeat that does not depend on output, and a cancel that stops the
 * build at once. Compile reads only the job's folder, so most tests write their Dockerfile there as validate would
 * have; the tests of what validate refuses store an archive as a compendium.
 */
class BuildFenceTest {

  // A short heartbeat timeout: the SDK then sends heartbeats every 80% of it, so cancellation arrives quickly and a
  // build that stops heartbeating fails its attempt within seconds.
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);
  private static final String BUCKET = "reprise-build-test";
  private static final BuildLimits ROOMY = new BuildLimits(512L << 20, 1.0, 256, Duration.ofMinutes(2));

  @TempDir
  Path workRoot;

  private TestActivityEnvironment env;
  private MinioArtifactStore store;
  private JobActivities activities;
  private final DockerContainerEngine engine = DockerContainerEngine.connect(new DockerSettings(TestStack.dockerHost()));
  private final List<String> jobs = new ArrayList<>();
  private final Map<String, String> storedCompendia = new HashMap<>();
  private final List<Instant> heartbeats = new CopyOnWriteArrayList<>();

  private void start(BuildLimits limits, long logMaxBytes) {
    ExecutionSettings settings = new ExecutionSettings(workRoot, "reprise-build-test@this-worker", "65534:65534", 64,
        new ManifestLimits(Duration.ofSeconds(60), Duration.ofMinutes(5), 128L << 20, 256L << 20, 1.0, 1.0),
        false, new ExecutionSettings.Origin("test-host", "test-version", "test-temporal"), Duration.ofMinutes(7),
        limits, logMaxBytes, ExecutionSettings.DEFAULT_MAX_LOG_BYTES);
    env = TestActivityEnvironment.newInstance();
    store = MinioArtifactStore.connect(TestStack.minio(BUCKET));
    env.registerActivitiesImplementations(new JobActivitiesImpl(store, engine, settings));
    env.setActivityHeartbeatListener(String.class, tail -> heartbeats.add(Instant.now()));
    activities = env.newActivityStub(JobActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(3))
        .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterEach
  void tearDown() {
    if (env != null) {
      env.close();
    }
    for (String job : jobs) {
      engine.removeImage(JobActivitiesImpl.imageTag(job));
    }
  }

  /** A job whose folder holds this Dockerfile, as validate leaves it. */
  private String job(String dockerfile) throws IOException {
    String job = "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 11);
    jobs.add(job);
    Path dir = new Workspace(workRoot).workDir(job);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("Dockerfile"), dockerfile);
    return job;
  }

  /** A job of a compendium stored with these files, not yet validated. */
  private String storedJob(Map<String, String> files) {
    String compendium = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 11);
    byte[] archive = Compendia.zip(files);
    store.put(StoreKeys.compendiumArchive(compendium), new ByteArrayInputStream(archive), archive.length,
        "application/zip");
    String job = "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 11);
    jobs.add(job);
    storedCompendia.put(job, compendium);
    return job;
  }

  private JobActivities.ValidateResult validate(String job) {
    return activities.validate(new ValidateRequest(job, storedCompendia.get(job)));
  }

  private static ApplicationFailure invalid(Runnable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause(), failure.toString());
    assertEquals(JobFailure.INVALID_COMPENDIUM.name(), cause.getType(), cause.getOriginalMessage());
    return cause;
  }

  private CompileResult compile(String job) {
    return activities.compile(new CompileRequest(job, ""));
  }

  private static ApplicationFailure buildFailure(Runnable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause(), failure.toString());
    assertEquals(JobFailure.BUILD_FAILED.name(), cause.getType(), cause.getOriginalMessage());
    return cause;
  }

  /** Build step containers still on the engine whose command carries the marker. */
  private List<Container> stepsWith(String marker) {
    return engine.client().listContainersCmd().withShowAll(true).exec().stream()
        .filter(c -> c.getCommand() != null && c.getCommand().contains(marker)).toList();
  }

  private static String marker() {
    return "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  @Test
  void addOfAUrlOnTheHostIsRefusedBeforeAnyBuild() {
    start(ROOMY, 1 << 20);
    // MinIO listens on the host's loopback; the engine, not the build's network-less container, would fetch this.
    String job = storedJob(Map.of("Dockerfile",
        "FROM reprise/busybox\nADD http://127.0.0.1:9000/minio/health/live /fetched\nRUN ls -l /fetched\n"));

    ApplicationFailure failure = invalid(() -> validate(job));

    assertTrue(failure.getOriginalMessage().startsWith("Dockerfile line 2: ADD http://127.0.0.1:9000/"),
        failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains("builds have none"), failure.getOriginalMessage());
  }

  @Test
  void anotherJobsImageIsNoBaseEvenThoughItIsOnTheEngine() throws IOException {
    start(ROOMY, 1 << 20);
    String first = job("FROM reprise/busybox\nRUN echo secret > /secret.txt\n");
    compile(first);
    String image = JobActivitiesImpl.imageTag(first).replace(":latest", "");
    String second = storedJob(Map.of("Dockerfile", "ARG B=" + image + "\nFROM $B\nRUN cat /secret.txt\n"));

    ApplicationFailure failure = invalid(() -> validate(second));

    assertTrue(failure.getOriginalMessage().contains("FROM " + image + " names the image of another job"),
        failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains("reprise/busybox:latest"), failure.getOriginalMessage());
  }

  @Test
  void silentBuildKeepsHeartbeatingAndSucceedsInOneAttempt() throws IOException {
    start(ROOMY, 1 << 20);
    String job = job("FROM reprise/busybox\nRUN sleep 8\n");

    CompileResult compiled = compile(job);

    assertTrue(compiled.imageId().startsWith("sha256:"), compiled.imageId());
    Duration longestGap = Duration.ZERO;
    for (int i = 1; i < heartbeats.size(); i++) {
      Duration gap = Duration.between(heartbeats.get(i - 1), heartbeats.get(i));
      longestGap = gap.compareTo(longestGap) > 0 ? gap : longestGap;
    }
    assertTrue(heartbeats.size() >= 3, "heartbeats during an 8 s silent step: " + heartbeats.size());
    assertTrue(longestGap.compareTo(HEARTBEAT_TIMEOUT) < 0, "longest silence between heartbeats: " + longestGap);
  }

  @Test
  void cancelledBuildStopsAtOnceAndLeavesNoStepContainer() throws Exception {
    start(ROOMY, 1 << 20);
    String marker = marker();
    String job = job("FROM reprise/busybox\nRUN echo started; sleep 60 # " + marker + "\n");
    CompletableFuture<CompileResult> building = CompletableFuture.supplyAsync(() -> compile(job));
    Instant deadline = Instant.now().plusSeconds(30);
    while (stepsWith(marker).stream().noneMatch(c -> "running".equals(c.getState()))) {
      assertTrue(Instant.now().isBefore(deadline), "the build step never started");
      Thread.sleep(100);
    }

    Instant cancelled = Instant.now();
    env.requestCancelActivity();

    ExecutionException ended = assertThrows(ExecutionException.class, () -> building.get(20, TimeUnit.SECONDS));
    assertInstanceOf(CanceledFailure.class, ended.getCause(), ended.toString());
    Duration took = Duration.between(cancelled, Instant.now());
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "the cancel took " + took);
    assertEquals(List.of(), stepsWith(marker), "no step container of the build is left");
  }

  @Test
  void buildPastItsTimeLimitIsStoppedAndSaysSo() throws IOException {
    start(new BuildLimits(512L << 20, 1.0, 256, Duration.ofSeconds(3)), 1 << 20);
    String marker = marker();
    String job = job("FROM reprise/busybox\nRUN echo started; sleep 60 # " + marker + "\n");

    ApplicationFailure failure = buildFailure(() -> compile(job));

    assertTrue(failure.getOriginalMessage().contains("the build ran past its time limit of 3 s"),
        failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains("started"), failure.getOriginalMessage());
    assertEquals(List.of(), stepsWith(marker), "no step container of the build is left");
  }

  @Test
  void buildStepsRunWithTheMemoryAndCpuLimits() throws IOException {
    start(new BuildLimits(96L << 20, 0.5, 256, Duration.ofMinutes(2)), 1 << 20);
    String job = job("FROM reprise/busybox\nRUN echo cpu quota $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)"
        + " per $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us), memory $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
        + " swap $(cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes)\n");

    CompileResult compiled = compile(job);

    assertTrue(compiled.text().contains("cpu quota 50000 per 100000, memory " + (96L << 20) + " swap "
        + (96L << 20)), compiled.text());
  }

  @Test
  void buildStepThatOutgrowsItsMemoryFails() throws IOException {
    start(new BuildLimits(32L << 20, 1.0, 256, Duration.ofMinutes(2)), 1 << 20);
    // tail keeps a line without end in memory: 200 MB of it, far past the limit, yet little for the host.
    String job = job("FROM reprise/busybox\nRUN head -c 200000000 /dev/zero | tail > /dev/null\n");

    ApplicationFailure failure = buildFailure(() -> compile(job));

    assertTrue(failure.getOriginalMessage().contains("non-zero code: 137"), failure.getOriginalMessage());
  }

  @Test
  void forkBombInABuildStepMeetsTheProcessLimit() throws IOException {
    start(new BuildLimits(512L << 20, 1.0, 64, Duration.ofMinutes(2)), 1 << 20);
    // Bounded by the test itself: without a limit it starts 2000 sleeps and the build succeeds after 20 s.
    String job = job("FROM reprise/busybox\n"
        + "RUN i=0; while [ $i -lt 2000 ]; do sleep 20 & i=$((i+1)); done; wait\n");

    ApplicationFailure failure = buildFailure(() -> compile(job));

    assertTrue(failure.getOriginalMessage().contains("can't fork"), failure.getOriginalMessage());
  }

  @Test
  void buildLogIsKeptUpToItsLimitWithOneNote() throws IOException {
    start(ROOMY, 10_000);
    String job = job("FROM reprise/busybox\n"
        + "RUN i=0; while [ $i -lt 2000 ]; do echo line $i of a build that prints a lot; i=$((i+1)); done\n");

    CompileResult compiled = compile(job);

    Path log = new Workspace(workRoot).logDir(job).resolve("compile.log");
    List<String> lines = Files.readAllLines(log);
    assertTrue(Files.size(log) < 10_000 + 200, "the log holds " + Files.size(log) + " bytes");
    assertTrue(lines.get(lines.size() - 1).contains("reached its limit of 10000 bytes"), lines.toString());
    assertEquals(1, lines.stream().filter(l -> l.contains("reached its limit")).count());
    assertTrue(compiled.text().contains("line 1999 of a build"), "the step text still shows the newest lines");
  }
}
