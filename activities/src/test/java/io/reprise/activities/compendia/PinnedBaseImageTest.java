package io.reprise.activities.compendia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.docker.ImageRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Base images pinned by digest in the configured registry: accepted (the worker pulls them), while digests of any
 * other registry, and the registry's repository of job images in any form, stay refused.
 */
class PinnedBaseImageTest {

  private static final List<String> BASE_IMAGES = List.of("reprise/busybox:latest", "reprise/python:latest");
  private static final ImageRegistry REGISTRY = ImageRegistry.of("127.0.0.1:5000", null, null);
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @TempDir
  Path dir;

  private Path dockerfile(String from) throws Exception {
    Path file = dir.resolve("Dockerfile");
    Files.writeString(file, from + "\nRUN true\n");
    return file;
  }

  @Test
  void aDigestOfTheConfiguredRegistryIsABaseTheWorkerPulls() throws Exception {
    String pinned = "127.0.0.1:5000/reprise/python@" + DIGEST;
    DockerfileCheck.Result result = DockerfileCheck.check(dockerfile("FROM " + pinned), () -> BASE_IMAGES, REGISTRY);

    assertEquals(pinned, result.baseImage());
    assertEquals(List.of(pinned), DockerfileCheck.pinnedInRegistry(result, REGISTRY));
    // The upload check in the API, without the engines' lists, accepts it the same way.
    assertEquals(pinned, DockerfileCheck.checkWithoutEngine(dockerfile("FROM " + pinned), REGISTRY).baseImage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "registry.example.org/python@sha256:abababababababababababababababababababababababababababababababab",
      "127.0.0.1:5001/reprise/python@sha256:abababababababababababababababababababababababababababababababab",
      "127.0.0.1:5000/reprise/python@sha256:abab",
      "reprise/python@sha256:abababababababababababababababababababababababababababababababab"})
  void digestsOfAnyOtherRegistryOrMalformedAreRefused(String from) throws Exception {
    Path file = dockerfile("FROM " + from);
    String message = assertThrows(InvalidCompendiumException.class,
        () -> DockerfileCheck.check(file, () -> BASE_IMAGES, REGISTRY)).getMessage();

    assertTrue(message.contains("names an image by id or digest"), message);
    assertTrue(message.contains("or pin one of the registry 127.0.0.1:5000 by digest"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "127.0.0.1:5000/reprise/jobs@sha256:abababababababababababababababababababababababababababababababab",
      "127.0.0.1:5000/reprise/jobs:k3v0q2m9x1ab",
      "127.0.0.1:5000/REPRISE/JOBS",
      "reprise/jobs",
      "harbor.example.org/team/reprise/jobs:k3v0q2m9x1ab"})
  void theRepositoryOfJobImagesIsNoBaseInAnyForm(String from) throws Exception {
    Path file = dockerfile("FROM " + from);
    String message = assertThrows(InvalidCompendiumException.class,
        () -> DockerfileCheck.check(file, () -> BASE_IMAGES, REGISTRY)).getMessage();

    assertTrue(message.contains("names the image of another job"), message);
  }

  @Test
  void withoutARegistryNoDigestIsABase() throws Exception {
    Path file = dockerfile("FROM 127.0.0.1:5000/reprise/python@" + DIGEST);

    assertThrows(InvalidCompendiumException.class, () -> DockerfileCheck.check(file, () -> BASE_IMAGES, null));
    assertThrows(InvalidCompendiumException.class, () -> DockerfileCheck.checkWithoutEngine(file));
  }

  @Test
  void registrySettings() {
    ImageRegistry harbor = ImageRegistry.of("harbor.example.org/team/", "robot$reprise", "secret");

    assertEquals("harbor.example.org/team", harbor.address());
    assertEquals("harbor.example.org", harbor.host());
    assertEquals("harbor.example.org/team/reprise/jobs", harbor.jobRepository());
    assertTrue(harbor.holds("harbor.example.org/team/reprise/python@" + DIGEST));
    assertFalse(harbor.holds("harbor.example.org/other/python@" + DIGEST));
    assertFalse(harbor.toString().contains("secret"), harbor.toString());
    assertEquals(null, ImageRegistry.of(" ", "u", "p"));
    assertThrows(IllegalArgumentException.class, () -> ImageRegistry.of("https://harbor.example.org", null, null));
  }
}
