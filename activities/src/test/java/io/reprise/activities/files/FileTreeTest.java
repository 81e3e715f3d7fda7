package io.reprise.activities.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walk of a folder a program wrote: what it lists, and what it refuses with the reason. */
class FileTreeTest {

  @TempDir
  Path root;

  private static List<String> paths(FileTree.Listing listing) {
    return listing.files().stream().map(FileTree.Entry::path).toList();
  }

  private static List<String> reasons(FileTree.Listing listing) {
    return listing.skipped().stream().map(s -> s.path() + ": " + s.reason()).toList();
  }

  @Test
  void aBackslashIsACharacterOfTheNameAndTheNameIsRefused() throws IOException {
    Files.createDirectories(root.resolve("h"));
    Files.writeString(root.resolve("h\\secret"), "x");
    Files.writeString(root.resolve("h/kept"), "y");

    FileTree.Listing listing = FileTree.walk(root, 100);

    assertEquals(List.of("h/kept"), paths(listing));
    assertEquals(List.of("h\\\\secret: a backslash in a name"), reasons(listing));
  }

  @Test
  void aNameThatStartsOrEndsWithASpaceIsKeptAsItIs() throws IOException {
    // Compendia stored with such names must keep unpacking, and outputs keep their exact names: the data route
    // finds them through the manifest, never by trimming.
    Files.writeString(root.resolve("result.txt "), "x");
    Files.writeString(root.resolve(" lead"), "x");

    FileTree.Listing listing = FileTree.walk(root, 100);

    assertEquals(List.of(" lead", "result.txt "), paths(listing).stream().sorted().toList());
    assertEquals(List.of(), reasons(listing));
  }

  @Test
  void linksAreCountedNeverFollowed() throws IOException {
    Path outside = Files.createTempDirectory("reprise-outside");
    try {
      Files.writeString(outside.resolve("host-file"), "host");
      Files.createSymbolicLink(root.resolve("to-host"), outside);
      Files.createSymbolicLink(root.resolve("file-link"), outside.resolve("host-file"));

      FileTree.Listing listing = FileTree.walk(root, 100);

      assertEquals(List.of(), paths(listing));
      assertEquals(2, listing.links());
    } finally {
      Files.deleteIfExists(outside.resolve("host-file"));
      Files.deleteIfExists(outside);
    }
  }

  @Test
  void controlCharactersLongPathsAndDeepFoldersAreRefusedAndTheRestListed() throws IOException {
    Files.writeString(root.resolve("line\nbreak"), "x");
    Path deep = root;
    for (int i = 0; i < PortablePath.MAX_DEPTH + 2; i++) {
      deep = deep.resolve("d");
    }
    Files.createDirectories(deep);
    Files.writeString(deep.resolve("f"), "x");
    Path longName = root;
    for (int i = 0; i < 5; i++) {
      longName = longName.resolve("n".repeat(250));
    }
    Files.createDirectories(longName);
    Files.writeString(longName.resolve("f"), "x");
    Files.writeString(root.resolve("ok.txt"), "fine");

    FileTree.Listing listing = FileTree.walk(root, 100);

    assertEquals(List.of("ok.txt"), paths(listing));
    List<String> reasons = reasons(listing);
    assertTrue(reasons.contains("line\\x0abreak: a control character in a name"), reasons.toString());
    assertTrue(reasons.stream().anyMatch(r -> r.endsWith("a path longer than 1024 characters")), reasons.toString());
    assertTrue(reasons.stream().anyMatch(r -> r.endsWith("nested folders")), reasons.toString());
  }

  @Test
  void fifosAreSkippedAndTheListingStopsAtItsFileLimit() throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).start();
    assertEquals(0, mkfifo.waitFor());
    for (int i = 0; i < 5; i++) {
      Files.writeString(root.resolve("f" + i), "x");
    }

    FileTree.Listing listing = FileTree.walk(root, 3);

    assertEquals(3, listing.files().size());
    assertTrue(reasons(listing).contains("pipe: not a regular file (a fifo, socket or device)"), reasons(listing).toString());
    assertEquals(2, listing.skipped().stream().filter(s -> s.reason().equals("more than 3 files")).count());
  }

  @Test
  void aSparseFilePastTheBudgetIsSkippedBeforeAnythingReadsIt() throws IOException {
    try (java.io.RandomAccessFile sparse = new java.io.RandomAccessFile(root.resolve("huge").toFile(), "rw")) {
      sparse.setLength(4L << 40);
    }
    Files.writeString(root.resolve("small"), "x");

    FileTree.Listing listing = FileTree.walk(root, 100, 1L << 20);

    assertEquals(List.of("small"), paths(listing));
    assertEquals(List.of("huge: 4398046511104 bytes, past the 1048576 bytes a job may store"), reasons(listing));
  }

  @Test
  void onlyTheFirstSkippedEntriesAreKeptAndAllAreCounted() throws IOException {
    for (int i = 0; i < FileTree.SKIPPED_KEPT + 50; i++) {
      Files.writeString(root.resolve("a\\" + i), "x");
    }

    FileTree.Listing listing = FileTree.walk(root, 100);

    assertEquals(FileTree.SKIPPED_KEPT, listing.skipped().size());
    assertEquals(FileTree.SKIPPED_KEPT + 50, listing.skippedCount());
    assertTrue(listing.skippedSummary().startsWith((FileTree.SKIPPED_KEPT + 50) + " not stored: "));
  }
}
