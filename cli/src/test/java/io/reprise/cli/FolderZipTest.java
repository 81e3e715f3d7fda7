package io.reprise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderZipTest {

  @TempDir
  Path dir;

  private static Map<String, String> entries(byte[] zip) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        entries.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return entries;
  }

  @Test
  void everyFileGoesInHiddenOnesAndEmptyFoldersToo() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("c"));
    Files.writeString(folder.resolve("Dockerfile"), "FROM reprise/busybox\n");
    Files.createDirectories(folder.resolve("data/empty"));
    Files.writeString(folder.resolve("data/x.csv"), "1,2\n");
    Files.writeString(folder.resolve(".hidden"), "h");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FolderZip.Summary summary = FolderZip.zip(folder, out);
    assertEquals(new FolderZip.Summary(3, 2), summary);
    Map<String, String> entries = entries(out.toByteArray());
    assertEquals(java.util.List.of(".hidden", "Dockerfile", "data/", "data/empty/", "data/x.csv"),
        java.util.List.copyOf(entries.keySet()));
    assertEquals("1,2\n", entries.get("data/x.csv"));
  }

  @Test
  void aLinkInsideIsStoredAsACopy() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("c"));
    Files.writeString(folder.resolve("real.txt"), "content");
    Files.createSymbolicLink(folder.resolve("link.txt"), Path.of("real.txt"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FolderZip.zip(folder, out);
    assertEquals("content", entries(out.toByteArray()).get("link.txt"));
  }

  @Test
  void aLinkOutsideIsRefusedWithItsName() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("c"));
    Files.writeString(dir.resolve("secret"), "not yours");
    Files.createSymbolicLink(folder.resolve("innocent"), dir.resolve("secret"));
    CliException refused = assertThrows(CliException.class, () -> FolderZip.zip(folder,
        new ByteArrayOutputStream()));
    assertTrue(refused.getMessage().contains("innocent") && refused.getMessage().contains("outside"),
        refused.getMessage());
    Files.delete(folder.resolve("innocent"));
    Files.createSymbolicLink(folder.resolve("up"), Path.of("../secret"));
    assertThrows(CliException.class, () -> FolderZip.zip(folder, new ByteArrayOutputStream()));
  }

  @Test
  void aBrokenLinkOrAFolderLinkIsRefusedNotSkipped() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("c"));
    Files.createSymbolicLink(folder.resolve("dangling"), Path.of("nowhere"));
    assertTrue(assertThrows(CliException.class, () -> FolderZip.zip(folder, new ByteArrayOutputStream()))
        .getMessage().contains("dangling"));
    Files.delete(folder.resolve("dangling"));
    Files.createDirectory(folder.resolve("sub"));
    Files.createSymbolicLink(folder.resolve("loop"), Path.of("sub"));
    assertTrue(assertThrows(CliException.class, () -> FolderZip.zip(folder, new ByteArrayOutputStream()))
        .getMessage().contains("loop"));
  }
}
