package io.reprise.activities.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.reprise.activities.TestStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Docker engine that restarts while a program runs stops its container (without live-restore, it kills every
 * container when it stops). The run must say so rather than report the kill's exit code as the program's. The
 * restart is played on the real engine: while the engine "is away" every inspection fails as a dropped connection
 * would, and the container is killed as the stopping engine would kill it.
 */
class EngineRestartTest {

  @TempDir
  Path work;

  private final DockerContainerEngine real = DockerContainerEngine.connect(new DockerSettings(TestStack.dockerHost()));
  private final String name = "reprise-test-engine-restart-" + UUID.randomUUID().toString().substring(0, 8);

  @AfterEach
  void removeContainer() {
    real.removeContainer(name);
  }

  /** The real client, except that inspecting a container fails while the engine is away. */
  private static DockerClient away(DockerClient client, AtomicBoolean engineAway) {
    return (DockerClient) Proxy.newProxyInstance(DockerClient.class.getClassLoader(),
        new Class<?>[] {DockerClient.class}, (proxy, method, args) -> {
          if (engineAway.get() && method.getName().equals("inspectContainerCmd")) {
            throw new UncheckedIOException(new IOException("connect: no such file or directory (engine restarting)"));
          }
          try {
            return method.invoke(client, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private RunSpec spec(List<String> command) {
    return new RunSpec("reprise/busybox:latest", name, work, command, "65534:65534", 64L << 20, 0.5, 64,
        Duration.ofMinutes(1), work.resolve("run.log"), 1 << 20);
  }

  @Test
  void aContainerKilledWhileTheEngineWasAwayIsReportedAsAnEngineRestart() {
    AtomicBoolean engineAway = new AtomicBoolean();
    AtomicInteger heartbeats = new AtomicInteger();
    DockerContainerEngine engine = new DockerContainerEngine(away(real.client(), engineAway), null);

    RunOutcome outcome = engine.run(spec(List.of("sleep", "60")), line -> { }, () -> {
      int beat = heartbeats.incrementAndGet();
      if (beat == 2) {
        engineAway.set(true);
        real.client().killContainerCmd(name).exec();
      } else if (beat == 5) {
        engineAway.set(false);
      }
    });

    assertTrue(outcome.engineRestarted(), "the kill was the engine's: " + outcome);
    assertEquals(137, outcome.exitCode());
  }

  /**
   * What a restarting engine does first, while it still answers: it stops its containers (SIGTERM, which a shell
   * as PID 1 ignores, then SIGKILL). The run sees the container exit 137 and must not take that for the program's
   * answer; before it looked at the engine's kill events, it did ("exited with code 137", bench/chaos).
   */
  @Test
  void aContainerTheEngineStopsWhileItStillAnswersIsReportedAsStoppedByTheEngine() {
    AtomicInteger heartbeats = new AtomicInteger();

    RunOutcome outcome = real.run(spec(List.of("sleep", "60")), line -> { }, () -> {
      if (heartbeats.incrementAndGet() == 2) {
        real.client().stopContainerCmd(name).withTimeout(1).exec();
      }
    });

    assertTrue(outcome.engineRestarted(), "the stop was the engine's: " + outcome);
    assertEquals(137, outcome.exitCode());
  }

  @Test
  void aProgramThatFailsOnItsOwnKeepsItsExitCode() {
    RunOutcome outcome = real.run(spec(List.of("sh", "-c", "sleep 2; exit 3")), line -> { }, () -> { });

    assertFalse(outcome.engineRestarted(), outcome.toString());
    assertEquals(3, outcome.exitCode());
  }

  @Test
  void aProgramThatFinishedWhileTheEngineWasAwayKeepsItsOutcome() {
    AtomicBoolean engineAway = new AtomicBoolean();
    AtomicInteger heartbeats = new AtomicInteger();
    DockerContainerEngine engine = new DockerContainerEngine(away(real.client(), engineAway), null);

    // The program ends on its own, with exit code 0, during the engine's absence: that is its answer.
    RunOutcome outcome = engine.run(spec(List.of("sh", "-c", "sleep 3")), line -> { }, () -> {
      int beat = heartbeats.incrementAndGet();
      if (beat == 1) {
        engineAway.set(true);
      } else if (beat == 7) {
        engineAway.set(false);
      }
    });

    assertFalse(outcome.engineRestarted(), outcome.toString());
    assertEquals(0, outcome.exitCode());
  }
}
