package io.reprise.activities;

import io.reprise.activities.storage.MinioSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real stack that docker/stack started, for tests that use it: connection settings come from the environment
 * first, then from the stack's state file (.state/stack.env, or under $REPRISE_STATE), so a developer can run
 * {@code mvn test} right after {@code docker/stack up}.
 */
public final class TestStack {

  private static final Map<String, String> SETTINGS = load();

  private TestStack() {}

  public static Path repoRoot() {
    String configured = System.getProperty("reprise.root");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("docker"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  public static String get(String name, String fallback) {
    return SETTINGS.getOrDefault(name, fallback);
  }

  public static MinioSettings minio(String bucket) {
    String access = SETTINGS.get("REPRISE_MINIO_ACCESS_KEY");
    if (access == null) {
      throw new IllegalStateException("no MinIO credentials: run docker/stack up (it writes .state/stack.env)");
    }
    return new MinioSettings(get("REPRISE_MINIO_ENDPOINT", "http://127.0.0.1:9000"), access,
        SETTINGS.get("REPRISE_MINIO_SECRET_KEY"), bucket);
  }

  public static String dockerHost() {
    return get("DOCKER_HOST", "unix:///var/run/docker.sock");
  }

  private static Map<String, String> load() {
    Map<String, String> settings = new HashMap<>();
    String state = System.getenv("REPRISE_STATE");
    Path file = (state == null || state.isBlank() ? repoRoot().resolve(".state") : Path.of(state))
        .resolve("stack.env");
    if (Files.exists(file)) {
      try {
        for (String line : Files.readAllLines(file)) {
          int eq = line.indexOf('=');
          if (eq > 0 && !line.startsWith("#")) {
            settings.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    System.getenv().forEach((key, value) -> {
      if (key.startsWith("REPRISE_") || key.equals("DOCKER_HOST")) {
        settings.put(key, value);
      }
    });
    return settings;
  }
}
