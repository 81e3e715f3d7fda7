package io.reprise.activities.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.reprise.activities.TestStack;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tags through the registry's API: on the stack's real registry, a digest tagged for another job names the same
 * manifest, and deleting one tag leaves the manifest to the other; on a fake registry on loopback, the bearer-token
 * exchange and the refusals.
 */
class RegistryApiTest {

  private static final String REGISTRY = TestStack.get("REPRISE_REGISTRY", "");

  @TempDir
  Path context;

  @Test
  void aDigestTaggedForAnotherJobKeepsItsManifestWhenTheFirstTagIsDeleted() throws Exception {
    assertFalse(REGISTRY.isBlank(), "the stack runs no registry (no REPRISE_REGISTRY in stack.env)");
    DockerContainerEngine engine = DockerContainerEngine.connect(new DockerSettings(TestStack.dockerHost(),
        ImageRegistry.of(REGISTRY, null, null)));
    Files.writeString(context.resolve("Dockerfile"), "FROM reprise/busybox\nCOPY nonce.txt /nonce.txt\n");
    Files.writeString(context.resolve("nonce.txt"), UUID.randomUUID().toString());
    String imageId = engine.build(context, "reprise/job-registryapitest:latest",
        new ContainerEngine.BuildLimits(256L << 20, 1.0, 64, Duration.ofMinutes(2)), line -> { }, () -> { })
        .imageId();
    try {
      String repository = engine.registry().jobRepository();
      String first = "apitest-" + UUID.randomUUID().toString().substring(0, 8);
      // Not first + a suffix: Distribution v3 on S3 answers 202 to deleting an absent tag that another tag's name
      // starts with (its delete lists by prefix, finds only the other tag's keys, skips them and deletes nothing).
      // Job ids have one length, so no job's tag starts with another's.
      String second = "rerun-" + first;
      String digest = engine.push(imageId, repository, first, () -> { });
      String sha = digest.substring(digest.indexOf('@') + 1);
      RegistryApi api = new RegistryApi(engine.registry());

      assertEquals(Optional.of(sha), api.digest(repository, first));
      assertEquals(Optional.empty(), api.digest(repository, second));
      api.tag(digest, second);
      assertEquals(Optional.of(sha), api.digest(repository, second), "the new tag names the very digest");

      assertTrue(api.deleteTag(repository, first));
      assertFalse(api.deleteTag(repository, first), "a tag deleted already is absent");
      assertEquals(Optional.empty(), api.digest(repository, first));
      assertEquals(Optional.of(sha), api.digest(repository, second), "the other tag and its manifest stay");
      engine.client().removeImageCmd(imageId).withForce(true).exec();
      engine.pull(digest, () -> { });
      assertEquals(imageId, engine.imageId(digest));
      assertTrue(api.deleteTag(repository, second));

      assertThrows(ContainerEngine.ImageNotFoundException.class,
          () -> api.tag(repository + "@sha256:" + "0".repeat(64), "apitest-missing"));
      assertThrows(IllegalArgumentException.class, () -> api.tag(digest, "../escape"));
      assertThrows(IllegalArgumentException.class, () -> api.deleteTag("other.example.org/reprise/jobs", "x"));
    } finally {
      engine.client().removeImageCmd(imageId).withForce(true).exec();
    }
  }

  @Test
  void aBearerChallengeIsAnsweredFromItsRealmWithTheCredentialsAndOnlyThere() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    List<String> seen = new CopyOnWriteArrayList<>();
    String realm = "http://127.0.0.1:" + "%d/token";
    server.createContext("/", exchange -> {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + auth);
      int status;
      byte[] body = new byte[0];
      if (exchange.getRequestURI().getPath().equals("/token")) {
        status = 200;
        body = "{\"token\":\"t0k3n\"}".getBytes(StandardCharsets.UTF_8);
      } else if (!"Bearer t0k3n".equals(auth)) {
        status = 401;
        exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\""
            + String.format(realm, server.getAddress().getPort()) + "\",service=\"reg\",scope=\"repository:p/reprise/"
            + "jobs:pull,push,delete\"");
      } else {
        status = exchange.getRequestURI().getPath().endsWith("/gone") ? 404 : 405;
      }
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
    try {
      ImageRegistry registry = new ImageRegistry("127.0.0.1:" + server.getAddress().getPort() + "/p", "robot",
          "s3cret");
      RegistryApi api = new RegistryApi(registry);
      assertFalse(api.deleteTag(registry.jobRepository(), "gone"));
      assertEquals("DELETE /v2/p/reprise/jobs/manifests/gone Basic cm9ib3Q6czNjcmV0", seen.get(0));
      assertEquals("GET /token?service=reg&scope=repository%3Ap%2Freprise%2Fjobs%3Apull%2Cpush%2Cdelete Basic "
          + "cm9ib3Q6czNjcmV0", seen.get(1));
      assertEquals("DELETE /v2/p/reprise/jobs/manifests/gone Bearer t0k3n", seen.get(2));
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> api.deleteTag(registry.jobRepository(), "kept"));
      assertTrue(refused.getMessage().contains("deletes are not enabled"), refused.getMessage());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void onlyLoopbackHostsAreSpokenToOverPlainHttp() {
    for (String loopback : new String[] {"127.0.0.1:5000", "127.1.2.3", "localhost:5000", "LOCALHOST", "[::1]:5000",
        "[::1]"}) {
      assertTrue(RegistryApi.isLoopback(loopback), loopback);
    }
    for (String remote : new String[] {"localhost.evil.example:5000", "127.0.0.1.evil.example", "127.example.org",
        "[::1].example", "128.0.0.1:5000", "harbor.example.org", "127.0.0.256", "[::2]:5000"}) {
      assertFalse(RegistryApi.isLoopback(remote), remote);
    }
  }

  @Test
  void credentialsAreNotSentToARealmElsewhereOverPlainHttp() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    List<String> seen = new CopyOnWriteArrayList<>();
    server.createContext("/", exchange -> {
      seen.add(exchange.getRequestURI().toString());
      exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://127.0.0.2:9/token\"");
      exchange.sendResponseHeaders(401, -1);
      exchange.close();
    });
    server.start();
    try {
      ImageRegistry registry = new ImageRegistry("127.0.0.1:" + server.getAddress().getPort(), "robot", "s3cret");
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> new RegistryApi(registry).deleteTag(registry.jobRepository(), "x"));
      assertTrue(refused.getMessage().contains("no credentials are sent there"), refused.getMessage());
      assertEquals(1, seen.size(), seen.toString());
    } finally {
      server.stop(0);
    }
  }
}
