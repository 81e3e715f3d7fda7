package io.reprise.activities.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushing and pulling job images through the stack's registry with docker-java, on the real engine: the push
 * answers the repository digest, identical images get one digest (one manifest, stored once), an image removed from
 * the engine comes back by its digest with its id, and the engine is never sent to another registry.
 */
class RegistryEngineTest {

  private static final String REGISTRY = TestStack.get("REPRISE_REGISTRY", "");

  @TempDir
  Path context;

  private final DockerContainerEngine engine = DockerContainerEngine.connect(new DockerSettings(TestStack.dockerHost(),
      ImageRegistry.of(REGISTRY, null, null)));
  private String imageId;

  @AfterEach
  void removeImage() {
    if (imageId != null) {
      engine.client().removeImageCmd(imageId).withForce(true).exec();
    }
  }

  @Test
  void pushAnswersTheDigestAndAPullByDigestBringsTheSameImageBack() throws Exception {
    assertFalse(REGISTRY.isBlank(), "the stack runs no registry (no REPRISE_REGISTRY in stack.env)");
    Files.writeString(context.resolve("Dockerfile"), "FROM reprise/busybox\nCOPY nonce.txt /nonce.txt\n");
    Files.writeString(context.resolve("nonce.txt"), UUID.randomUUID().toString());
    imageId = engine.build(context, "reprise/job-registrytest:latest",
        new ContainerEngine.BuildLimits(256L << 20, 1.0, 64, Duration.ofMinutes(2)), line -> { }, () -> { })
        .imageId();
    String repository = engine.registry().jobRepository();

    String digest = engine.push(imageId, repository, "registrytest-a", () -> { });
    assertTrue(digest.matches("\\Q" + repository + "\\E@sha256:[0-9a-f]{64}"), digest);
    // The same image under another tag is the same manifest: the registry holds it once.
    assertEquals(digest, engine.push(imageId, repository, "registrytest-b", () -> { }));
    assertTrue(engine.repoDigests(imageId).contains(digest), engine.repoDigests(imageId).toString());

    engine.client().removeImageCmd(imageId).withForce(true).exec();
    assertFalse(engine.imageExists(imageId));
    engine.pull(digest, () -> { });
    assertEquals(imageId, engine.imageId(digest));
  }

  @Test
  void anUnknownDigestIsNotFoundAndOtherRegistriesAreRefused() {
    assertFalse(REGISTRY.isBlank(), "the stack runs no registry (no REPRISE_REGISTRY in stack.env)");
    String unknown = engine.registry().jobRepository() + "@sha256:" + "0".repeat(64);
    assertThrows(ContainerEngine.ImageNotFoundException.class, () -> engine.pull(unknown, () -> { }));
    assertThrows(IllegalArgumentException.class,
        () -> engine.pull("registry.example.org/reprise/jobs@sha256:" + "0".repeat(64), () -> { }));
    assertThrows(IllegalArgumentException.class,
        () -> engine.push("sha256:" + "0".repeat(64), "registry.example.org/reprise/jobs", "x", () -> { }));
  }
}
