package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.TestStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The Docker engines of the stack's hosts, for tests that look at what is on them with the docker CLI. */
final class Engines {

  private Engines() {}

  /** The stack's state folder, as the scripts find it. */
  static Path state() {
    String state = System.getenv("REPRISE_STATE");
    return state == null || state.isBlank() ? TestStack.repoRoot().resolve(".state") : Path.of(state);
  }

  /**
   * The engine of the stack's workers: DOCKER_HOST when set, the state folder's own engine when the stack has one
   * (REPRISE_DOCKER_ENGINE=own), else the machine's.
   */
  static String stack() {
    String host = System.getenv("DOCKER_HOST");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      Path settings = state().resolve("stack.settings");
      if (Files.exists(settings) && Files.readAllLines(settings).contains("REPRISE_DOCKER_ENGINE=own")) {
        return "unix://" + state().resolve("docker/docker.sock");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "unix:///var/run/docker.sock";
  }

  /** The engine 'docker/host up NAME' starts for another worker host. */
  static String host(String name) {
    return "unix://" + state().resolve("hosts").resolve(name).resolve("docker/docker.sock");
  }

  /** The registry of the stack (REPRISE_REGISTRY in its stack.env). */
  static String registry() {
    String registry = TestStack.get("REPRISE_REGISTRY", "");
    assertTrue(!registry.isBlank(), "the stack runs no registry (no REPRISE_REGISTRY in stack.env): run docker/stack up");
    return registry;
  }

  /** Runs the docker CLI against the engine; answers its exit code and output (stdout and stderr). */
  static Result docker(String engine, String... arguments) {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(arguments));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("DOCKER_HOST", engine);
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(2, TimeUnit.MINUTES), "docker " + String.join(" ", arguments) + " did not end");
      return new Result(process.exitValue(), output.strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** True when the engine has an image of that reference or id. */
  static boolean hasImage(String engine, String reference) {
    return docker(engine, "image", "inspect", reference).exitCode() == 0;
  }

  /**
   * Runs docker/service with the test instance; fails unless it ends 0. Unlike {@link ApiClient#service}, it waits
   * up to five minutes: starting workers on a loaded two-core machine has taken 80 s each.
   */
  static String service(String... arguments) {
    List<String> all = new ArrayList<>(List.of(arguments));
    all.addAll(List.of("--instance", System.getProperty("reprise.it.instance", "it")));
    return script("service", all.toArray(String[]::new));
  }

  /** Runs a script of docker/ and fails unless it ends 0; answers its output. */
  static String script(String name, String... arguments) {
    List<String> command = new ArrayList<>(List.of("bash", TestStack.repoRoot().resolve("docker").resolve(name)
        .toString()));
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(5, TimeUnit.MINUTES), "docker/" + name + " did not end:\n" + output);
      assertEquals(0, process.exitValue(), "docker/" + name + " " + String.join(" ", arguments) + ":\n" + output);
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  record Result(int exitCode, String output) {}
}
