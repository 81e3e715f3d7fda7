package io.reprise.activities.compendia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeUnpackerTest {

  @TempDir
  Path tmp;

  private final SafeUnpacker unpacker = new SafeUnpacker(UnpackLimits.DEFAULT);

  /** Writes a zip whose entries are given as name, content pairs; a null content makes a directory. */
  private Path zip(String... namesAndContents) throws IOException {
    Path file = tmp.resolve("archive.zip");
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(file)) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        ZipArchiveEntry entry = new ZipArchiveEntry(namesAndContents[i]);
        out.putArchiveEntry(entry);
        if (namesAndContents[i + 1] != null) {
          out.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        out.closeArchiveEntry();
      }
    }
    return file;
  }

  private interface TarWriter {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  private Path tarGz(TarWriter writer) throws IOException {
    Path file = tmp.resolve("archive.tar.gz");
    try (OutputStream raw = Files.newOutputStream(file);
         TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(raw))) {
      writer.write(tar);
    }
    return file;
  }

  private static void tarFile(TarArchiveOutputStream tar, String name, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(bytes.length);
    tar.putArchiveEntry(entry);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  private static void tarLink(TarArchiveOutputStream tar, String name, String target, byte type) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, type);
    entry.setLinkName(target);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  @Test
  void unpacksZipWithFoldersAndFiles() throws Exception {
    Path target = tmp.resolve("out");
    UnpackSummary summary = unpacker.unpack(zip("Dockerfile", "FROM x\n", "data/", null, "data/a.csv", "1,2\n"),
        target);

    assertEquals("zip", summary.format());
    assertEquals(2, summary.files());
    assertEquals("1,2\n", Files.readString(target.resolve("data/a.csv")));
    assertEquals(11, summary.bytes());
  }

  @Test
  void refusesZipEntryThatClimbsOut() throws IOException {
    Path archive = zip("Dockerfile", "FROM x\n", "../../escaped.txt", "boo");

    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> unpacker.unpack(archive, tmp.resolve("out")));

    assertTrue(e.getMessage().contains("outside"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("escaped.txt")));
    assertFalse(Files.exists(tmp.getParent().resolve("escaped.txt")));
  }

  @Test
  void refusesAbsolutePaths() throws IOException {
    // The two-argument constructor keeps the leading slash that the one-argument one strips.
    Path archive = tarGz(tar -> {
      TarArchiveEntry entry = new TarArchiveEntry("/tmp/absolute.txt", true);
      entry.setSize(3);
      tar.putArchiveEntry(entry);
      tar.write("boo".getBytes(StandardCharsets.UTF_8));
      tar.closeArchiveEntry();
    });

    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> unpacker.unpack(archive, tmp.resolve("out")));

    assertTrue(e.getMessage().contains("absolute"), e.getMessage());
  }

  @Test
  void refusesSymlinkPointingOutAndFilesWrittenThroughIt() throws IOException {
    Path archive = tarGz(tar -> {
      tarLink(tar, "etc", "../../..", TarArchiveEntry.LF_SYMLINK);
      tarFile(tar, "etc/passwd", "boo");
    });

    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> unpacker.unpack(archive, tmp.resolve("out")));

    assertTrue(e.getMessage().contains("etc"), e.getMessage());
  }

  @Test
  void refusesSymlinkChainThatLeadsOut() throws IOException {
    // Each link alone points inside, but "up/.." through "up -> ." leads to the folder's parent.
    Path archive = tarGz(tar -> {
      tarLink(tar, "up", ".", TarArchiveEntry.LF_SYMLINK);
      tarLink(tar, "sub/out", "../up/..", TarArchiveEntry.LF_SYMLINK);
      tarFile(tar, "Dockerfile", "FROM x\n");
    });

    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> unpacker.unpack(archive, tmp.resolve("out")));

    assertTrue(e.getMessage().contains("leads outside"), e.getMessage());
  }

  @Test
  void refusesHardLinkToFileOutside() throws IOException {
    Path archive = tarGz(tar -> tarLink(tar, "shadow", "../../etc/shadow", TarArchiveEntry.LF_LINK));

    assertThrows(UnsafeArchiveException.class, () -> unpacker.unpack(archive, tmp.resolve("out")));
  }

  @Test
  void keepsLinksThatStayInside() throws Exception {
    Path archive = tarGz(tar -> {
      tarFile(tar, "data/a.csv", "1,2\n");
      tarLink(tar, "latest.csv", "data/a.csv", TarArchiveEntry.LF_SYMLINK);
      tarLink(tar, "copy.csv", "data/a.csv", TarArchiveEntry.LF_LINK);
    });
    Path target = tmp.resolve("out");

    UnpackSummary summary = unpacker.unpack(archive, target);

    assertEquals("tar.gz", summary.format());
    assertEquals(2, summary.links());
    assertTrue(Files.isSymbolicLink(target.resolve("latest.csv")));
    assertEquals("1,2\n", Files.readString(target.resolve("copy.csv")));
  }

  @Test
  void refusesArchiveThatExpandsPastTheLimit() throws IOException {
    SafeUnpacker small = new SafeUnpacker(new UnpackLimits(1000, 100, 1000));
    Path archive = zip("big.txt", "x".repeat(5000));

    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> small.unpack(archive, tmp.resolve("out")));

    assertTrue(e.getMessage().contains("1000 bytes"), e.getMessage());
  }

  @Test
  void refusesTooManyEntries() throws IOException {
    SafeUnpacker small = new SafeUnpacker(new UnpackLimits(1_000_000, 2, 1000));
    Path archive = zip("a", "1", "b", "2", "c", "3");

    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> small.unpack(archive, tmp.resolve("out")));

    assertTrue(e.getMessage().contains("entries"), e.getMessage());
  }

  @Test
  void refusesFilesThatAreNotArchives() throws IOException {
    Path text = Files.writeString(tmp.resolve("notes.txt"), "just text");

    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> unpacker.unpack(text, tmp.resolve("out")));

    assertEquals("not a zip or tar.gz archive", e.getMessage());
  }
}
