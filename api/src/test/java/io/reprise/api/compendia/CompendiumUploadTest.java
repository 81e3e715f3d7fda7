package io.reprise.api.compendia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.Compendia;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.MemoryArtifactStore;
import io.reprise.api.web.ApiException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockMultipartFile;

/**
 * An upload is checked as validate would check it before anything is stored: each refusal is a 400 that names
 * every problem, and leaves the store as it was. Base images are checked against what workers published.
 */
class CompendiumUploadTest {

  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final String DOCKERFILE = "FROM python:3.12-slim\nCOPY . /work\nCMD [\"python3\", \"a.py\"]\n";

  private final MemoryArtifactStore store = new MemoryArtifactStore();
  private final CompendiumService compendia = new CompendiumService(store,
      new PublishedEngines(store, Clock.fixed(NOW, ZoneOffset.UTC)));

  private void publish(String host, Instant updated, String... images) {
    store.put(StoreKeys.engine(host), "{\"host\": \"" + host + "\", \"updated\": \"" + updated + "\", "
        + "\"base_images\": [" + String.join(", ", Arrays.stream(images).map(i -> "\"" + i + "\"").toList())
        + "]}");
  }

  private String upload(byte[] archive) throws IOException {
    return compendia.store(new MockMultipartFile("compendium", "c", "application/octet-stream", archive));
  }

  /** The refusal's message; the store holds nothing but what the test put there. */
  private String refused(byte[] archive) {
    int before = store.objects().size();
    ApiException e = assertThrows(ApiException.class, () -> upload(archive));
    assertEquals(HttpStatus.BAD_REQUEST, e.status(), e.getMessage());
    assertEquals(before, store.objects().size(), "something was stored: " + store.objects().keySet());
    return e.getMessage();
  }

  private static byte[] tarGz(Map<String, String> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  @Test
  void emptyArchivesAreRefused() throws IOException {
    assertTrue(refused(Compendia.zip(Map.of())).contains("holds no files"));
    assertTrue(refused(tarGz(Map.of())).contains("holds no files"));
  }

  @Test
  void aGzipOfPlainTextIsRefusedNotAServerError() throws IOException {
    for (String text : new String[] {"hello", "this is not a tar archive\n".repeat(200)}) {
      String message = refused(gzip(text));
      assertTrue(message.contains("not a tar archive") || message.contains("truncated or corrupt"), message);
    }
  }

  @Test
  void truncatedArchivesAreRefusedAsTruncatedOrCorrupt() throws IOException {
    byte[] zip = Compendia.zip(Map.of("Dockerfile", DOCKERFILE, "a.py", "print(1)\n".repeat(500)));
    byte[] tarGz = tarGz(Map.of("Dockerfile", DOCKERFILE, "a.py", "print(1)\n".repeat(5000)));
    for (byte[] whole : new byte[][] {zip, tarGz}) {
      String message = refused(Arrays.copyOf(whole, whole.length / 2));
      assertTrue(message.contains("truncated or corrupt"), message);
    }
  }

  @Test
  void everyProblemIsNamedInOneMessage() throws IOException {
    String message = refused(Compendia.zip(Map.of("a.py", "print(1)\n", "reprise.yml", "colour: blue\n")));

    assertTrue(message.contains("no Dockerfile"), message);
    assertTrue(message.contains("unknown key 'colour'"), message);
  }

  @Test
  void aDockerfileThatDoesNotParseIsRefused() throws IOException {
    String message = refused(Compendia.zip(Map.of("Dockerfile", "RUN echo hi\n")));
    assertTrue(message.contains("Dockerfile line 1"), message);
    message = refused(Compendia.zip(Map.of("Dockerfile", "FROM python:3.12-slim\nFETCH x\n")));
    assertTrue(message.contains("unknown instruction FETCH"), message);
  }

  @Test
  void aBaseImageNoPublishedEngineHasIsRefusedAndTheAvailableOnesNamed() throws IOException {
    publish("host-a", NOW.minusSeconds(30), "python:3.11-slim", "r-base:4.4");

    String message = refused(Compendia.zip(Map.of("Dockerfile", DOCKERFILE)));

    assertTrue(message.contains("python:3.12-slim"), message);
    assertTrue(message.contains("python:3.11-slim, r-base:4.4"), message);
  }

  @Test
  void anImageOfAnyFreshEngineIsAcceptedWithAnImplicitLatestTag() throws IOException {
    publish("host-a", NOW.minusSeconds(30), "r-base:4.4");
    publish("host-b", NOW.minusSeconds(90), "python:3.12-slim", "alpine:latest");

    String id = upload(Compendia.zip(Map.of("Dockerfile", DOCKERFILE)));
    upload(Compendia.zip(Map.of("Dockerfile", "FROM alpine\n")));
    upload(Compendia.zip(Map.of("Dockerfile", "FROM docker.io/library/alpine:latest\n")));

    assertTrue(store.objects().containsKey(StoreKeys.compendiumArchive(id)));
  }

  @Test
  void withoutAFreshEngineTheImageCheckIsLeftToValidate() throws IOException {
    String id = upload(Compendia.zip(Map.of("Dockerfile", "FROM anything:1\n")));
    publish("gone", NOW.minus(Duration.ofHours(2)), "python:3.11-slim");
    upload(Compendia.zip(Map.of("Dockerfile", "FROM anything:1\n")));

    assertTrue(store.objects().containsKey(StoreKeys.compendiumArchive(id)));
  }

  @Test
  void aBagItBagHasItsDockerfileUnderData() throws IOException {
    String bag = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
    String payload = DOCKERFILE;
    String sha = java.util.HexFormat.of().formatHex(uncheckedSha256(payload));
    String id = upload(Compendia.zip(Map.of("bagit.txt", bag, "data/Dockerfile", payload,
        "manifest-sha256.txt", sha + "  data/Dockerfile\n")));
    assertTrue(store.objects().containsKey(StoreKeys.compendiumArchive(id)));

    String message = refused(Compendia.zip(Map.of("bagit.txt", bag, "data/a.py", "print(1)\n",
        "manifest-sha256.txt", java.util.HexFormat.of().formatHex(uncheckedSha256("print(1)\n"))
            + "  data/a.py\n")));
    assertTrue(message.contains("no Dockerfile") && message.contains("data/"), message);
  }

  private static byte[] uncheckedSha256(String text) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
