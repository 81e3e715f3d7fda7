package io.reprise.activities.compendia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
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

  /** What `tar -czf c.tar.gz -C folder .` makes: the folder itself as "./", and every name under "./". */
  @Test
  void unpacksATarOfTheFolderItselfWithItsDotPrefix() throws Exception {
    Path target = tmp.resolve("out");
    UnpackSummary summary = unpacker.unpack(tarGz(tar -> {
      TarArchiveEntry top = new TarArchiveEntry("./", TarArchiveEntry.LF_DIR);
      tar.putArchiveEntry(top);
      tar.closeArchiveEntry();
      tarFile(tar, "./Dockerfile", "FROM x\n");
      TarArchiveEntry data = new TarArchiveEntry("./data/", TarArchiveEntry.LF_DIR);
      tar.putArchiveEntry(data);
      tar.closeArchiveEntry();
      tarFile(tar, "./data/a.csv", "1,2\n");
    }), target);

    assertEquals(2, summary.files());
    assertEquals("FROM x\n", Files.readString(target.resolve("Dockerfile")));
    assertEquals("1,2\n", Files.readString(target.resolve("data/a.csv")));
  }

  @Test
  void refusesNamesThatAreNotPortableWithTheReason() throws IOException {
    for (String[] bad : new String[][] {{"bad\u0007name", "a control character"}, {"x/../y", "a '..' component"},
        {"d/".repeat(70) + "f", "more than 64 nested folders"}, {"x/".repeat(520) + "f", "longer than 1024"}}) {
      Path archive = zip("Dockerfile", "FROM x\n", bad[0], "boo");

      UnsafeArchiveException refused = assertThrows(UnsafeArchiveException.class,
          () -> unpacker.unpack(archive, tmp.resolve("out-" + Integer.toHexString(bad[0].hashCode()))), bad[0]);

      assertTrue(refused.getMessage().contains(bad[1]), refused.getMessage());
      assertFalse(refused.getMessage().contains("\u0007"), "the name is shown escaped");
    }
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
  void refusesABackslashInATarName() throws IOException {
    // A zip made on Windows says so, and commons-compress reads its backslashes as separators; a tar name is a name.
    Path archive = tarGz(tar -> {
      tarFile(tar, "Dockerfile", "FROM x\n");
      tarFile(tar, "h\\secret", "x");
    });

    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> unpacker.unpack(archive, tmp.resolve("out")));

    assertTrue(e.getMessage().contains("a backslash"), e.getMessage());
  }

  @Test
  void refusesALinkThatLeadsToNothingInTheArchive() throws IOException {
    // s -> . makes s/s/s/../../x resolve two levels above the folder once x exists there; no target, no link.
    Path archive = tarGz(tar -> {
      tarFile(tar, "Dockerfile", "FROM x\n");
      tarLink(tar, "s", ".", TarArchiveEntry.LF_SYMLINK);
      tarLink(tar, "t", "s/s/s/../../nowhere", TarArchiveEntry.LF_SYMLINK);
    });

    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> unpacker.unpack(archive, tmp.resolve("out")));

    assertTrue(e.getMessage().contains("leads to nothing"), e.getMessage());
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

  /** Refuses the unpack and answers the message; also how many bytes the unpack allocated on this thread. */
  private record Refusal(String message, long allocated) {}

  private static Refusal refusal(Executable unpack) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class, unpack);
    return new Refusal(e.getMessage(), threads.getCurrentThreadAllocatedBytes() - before);
  }

  private static byte[] noise(int size) {
    byte[] bytes = new byte[size];
    new Random(42).nextBytes(bytes);
    return bytes;
  }

  @Test
  void zipSymlinkWithAHugeTargetIsRefusedAfterReadingOnlyAPathsWorth() throws IOException {
    // 50 MiB of 'a' deflates to some 50 KB: reading the target whole is what let a small zip exhaust the heap.
    Path archive = tmp.resolve("huge-link.zip");
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(archive)) {
      out.putArchiveEntry(new ZipArchiveEntry("Dockerfile"));
      out.write("FROM x\n".getBytes(StandardCharsets.UTF_8));
      out.closeArchiveEntry();
      ZipArchiveEntry link = new ZipArchiveEntry("huge-link");
      link.setUnixMode(UnixStat.LINK_FLAG | 0777);
      out.putArchiveEntry(link);
      byte[] mebibyte = new byte[1 << 20];
      Arrays.fill(mebibyte, (byte) 'a');
      for (int i = 0; i < 50; i++) {
        out.write(mebibyte);
      }
      out.closeArchiveEntry();
    }
    assertTrue(Files.size(archive) < 1 << 20, "the test archive is small: " + Files.size(archive));

    Refusal refused = refusal(() -> unpacker.unpack(archive, tmp.resolve("out")));

    assertTrue(refused.message().contains("huge-link") && refused.message().contains("4096"), refused.message());
    assertTrue(refused.allocated() < 8 << 20,
        "the unpack allocated " + refused.allocated() + " bytes for a 50 MiB link target");
  }

  /** Writes an entry of the given type whose content is a prefix and then count times the byte 'a'. */
  private static void tarLongEntry(TarArchiveOutputStream tar, String name, byte type, String prefix, int count,
      String suffix) throws IOException {
    byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
    byte[] tail = suffix.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name, type);
    entry.setSize(head.length + (long) count + tail.length);
    tar.putArchiveEntry(entry);
    tar.write(head);
    byte[] mebibyte = new byte[1 << 20];
    Arrays.fill(mebibyte, (byte) 'a');
    for (int left = count; left > 0; left -= mebibyte.length) {
      tar.write(mebibyte, 0, Math.min(left, mebibyte.length));
    }
    tar.write(tail);
    tar.closeArchiveEntry();
  }

  @Test
  void tarLinkNameLongerThanAPathIsRefusedAfterReadingOnlyABoundedHeader() throws IOException {
    // GNU tar carries a long link name in an entry of its own, POSIX tar in a PAX header; commons-compress reads
    // either whole into memory. The entries are written by hand: its writer is quadratic in such a name.
    int size = 20 << 20;
    String record = " linkpath=";
    int length = record.length() + size + 1;
    length += String.valueOf(length + String.valueOf(length).length()).length();
    String paxPrefix = length + record;
    Path gnu = tarGz(tar -> {
      tarFile(tar, "Dockerfile", "FROM x\n");
      tarLongEntry(tar, "././@LongLink", TarArchiveEntry.LF_GNUTYPE_LONGLINK, "", size, "\0");
      tarLink(tar, "huge-link", "a", TarArchiveEntry.LF_SYMLINK);
    });
    Path gnuCopy = Files.move(gnu, tmp.resolve("gnu.tar.gz"));
    Path pax = tarGz(tar -> {
      tarFile(tar, "Dockerfile", "FROM x\n");
      tarLongEntry(tar, "PaxHeaders/huge-link", TarArchiveEntry.LF_PAX_EXTENDED_HEADER_LC, paxPrefix, size, "\n");
      tarLink(tar, "huge-link", "a", TarArchiveEntry.LF_SYMLINK);
    });

    for (Path archive : new Path[] {gnuCopy, pax}) {
      Path target = tmp.resolve("out-" + archive.getFileName());

      Refusal refused = refusal(() -> unpacker.unpack(archive, target));

      assertTrue(refused.message().contains("longer than"), refused.message());
      assertTrue(refused.allocated() < 8 << 20,
          archive.getFileName() + ": the unpack allocated " + refused.allocated() + " bytes for a 20 MiB link name");
    }
  }

  @Test
  void hardLinkThroughASymlinkIsRefusedEvenWhenTheSymlinkStaysInside() throws IOException {
    Path archive = tarGz(tar -> {
      tarFile(tar, "data/a.csv", "1,2\n");
      tarLink(tar, "alias", "data", TarArchiveEntry.LF_SYMLINK);
      tarLink(tar, "copy.csv", "alias/a.csv", TarArchiveEntry.LF_LINK);
    });
    Path target = tmp.resolve("out");

    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class, () -> unpacker.unpack(archive, target));

    assertTrue(e.getMessage().contains("copy.csv") && e.getMessage().contains("link"), e.getMessage());
    assertFalse(Files.exists(target.resolve("copy.csv"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void hardLinkThroughAChainThatLeadsOutCopiesNothingFromOutside() throws IOException {
    // "sub/out -> ../up/.." with "up -> ." is the folder's parent once both exist; the hard link comes after them.
    Files.writeString(tmp.resolve("secret.txt"), "host secret");
    Path archive = tarGz(tar -> {
      tarFile(tar, "Dockerfile", "FROM x\n");
      tarLink(tar, "up", ".", TarArchiveEntry.LF_SYMLINK);
      tarLink(tar, "sub/out", "../up/..", TarArchiveEntry.LF_SYMLINK);
      tarLink(tar, "stolen.txt", "sub/out/secret.txt", TarArchiveEntry.LF_LINK);
    });
    Path target = tmp.resolve("out");

    assertThrows(UnsafeArchiveException.class, () -> unpacker.unpack(archive, target));

    assertFalse(Files.exists(target.resolve("stolen.txt"), java.nio.file.LinkOption.NOFOLLOW_LINKS),
        "the host file was copied into the folder before the links were checked");
  }

  @Test
  void devicesFifosAndOtherSpecialTarEntriesAreRefusedNamingTheEntryAndItsKind() throws IOException {
    Object[][] cases = {
        {TarArchiveEntry.LF_CHR, "character device"},
        {TarArchiveEntry.LF_BLK, "block device"},
        {TarArchiveEntry.LF_FIFO, "fifo"},
        {(byte) 'Q', "unsupported entry type 'Q'"},
    };
    for (Object[] kind : cases) {
      Path archive = tarGz(tar -> {
        tarFile(tar, "Dockerfile", "FROM x\n");
        tar.putArchiveEntry(new TarArchiveEntry("special", (byte) kind[0]));
        tar.closeArchiveEntry();
      });
      Path target = tmp.resolve("out-" + kind[0]);

      UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class, () -> unpacker.unpack(archive, target),
          "a " + kind[1] + " entry was accepted");

      assertTrue(e.getMessage().contains("special") && e.getMessage().contains((String) kind[1]), e.getMessage());
      assertFalse(Files.exists(target.resolve("special"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }
  }

  @Test
  void truncatedZipIsRefusedAsTruncatedOrCorrupt() throws IOException {
    Path whole = tmp.resolve("whole.zip");
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(whole)) {
      out.putArchiveEntry(new ZipArchiveEntry("Dockerfile"));
      out.write("FROM x\n".getBytes(StandardCharsets.UTF_8));
      out.closeArchiveEntry();
      out.putArchiveEntry(new ZipArchiveEntry("data.bin"));
      out.write(noise(100_000));
      out.closeArchiveEntry();
    }
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(tmp.resolve("cut.zip"), Arrays.copyOf(bytes, bytes.length / 2));

    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> unpacker.unpack(cut, tmp.resolve("out")));

    assertTrue(e.getMessage().startsWith("the archive is truncated or corrupt"), e.getMessage());
  }

  @Test
  void truncatedTarGzIsRefusedAsTruncatedOrCorrupt() throws IOException {
    Path whole = tarGz(tar -> {
      tarFile(tar, "Dockerfile", "FROM x\n");
      TarArchiveEntry entry = new TarArchiveEntry("data.bin");
      entry.setSize(100_000);
      tar.putArchiveEntry(entry);
      tar.write(noise(100_000));
      tar.closeArchiveEntry();
    });
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(tmp.resolve("cut.tar.gz"), Arrays.copyOf(bytes, bytes.length / 2));

    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> unpacker.unpack(cut, tmp.resolve("out")));

    assertTrue(e.getMessage().startsWith("the archive is truncated or corrupt"), e.getMessage());
  }

  @Test
  void gzipOfPlainTextIsRefusedAsNotATar() throws IOException {
    Path archive = tmp.resolve("text.gz");
    try (OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(archive))) {
      out.write("just some notes, not a tar archive at all\n".repeat(100).getBytes(StandardCharsets.UTF_8));
    }

    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> unpacker.unpack(archive, tmp.resolve("out")));

    assertTrue(e.getMessage().contains("not a tar archive inside the gzip"), e.getMessage());
  }

  @Test
  void archivesWithoutFilesAreRefused() throws IOException {
    Path emptyZip = zip();
    Path onlyFolders = tarGz(tar -> {
      tar.putArchiveEntry(new TarArchiveEntry("empty/"));
      tar.closeArchiveEntry();
    });
    Path emptyTar = tmp.resolve("empty.tar.gz");
    try (OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(emptyTar))) {
      out.write(new byte[1024]);
    }

    for (Path archive : new Path[] {emptyZip, onlyFolders, emptyTar}) {
      UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
          () -> unpacker.unpack(archive, tmp.resolve("out-" + archive.getFileName())), archive.getFileName() + "");

      assertEquals("the archive holds no files", e.getMessage());
    }
  }
}
