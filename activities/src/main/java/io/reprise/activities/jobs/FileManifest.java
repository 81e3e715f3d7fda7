package io.reprise.activities.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.reprise.activities.files.FileTree;
import io.reprise.activities.files.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every regular file of a folder with its size and SHA-256. Validate records the compendium's files before the
 * run; cleanup records the folder after it, so the files the program created or changed are its outputs. Links
 * are not followed.
 */
public record FileManifest(List<Entry> files) {

  public record Entry(String path, long size, String sha256, @JsonProperty("output") boolean output) {}

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Every regular file of a folder with its hash, and what the walk did not list (see {@link FileTree}). */
  public record Scan(Map<String, Entry> files, FileTree.Listing listing) {}

  /** Most files one scan lists: as many as an archive may hold entries, and far more than any result needs. */
  public static final int MAX_FILES = 20_000;

  /** path → entry of every regular file with a portable name below the folder; links are not followed. */
  public static Map<String, Entry> scan(Path folder) throws IOException {
    return scanTree(folder).files();
  }

  public static Scan scanTree(Path folder) throws IOException {
    return scanTree(folder, Long.MAX_VALUE);
  }

  /**
   * Every regular file with a portable name, at most {@code maxBytes} of them in all, with its hash. A file that
   * cannot be read (a worker that is not root, a file the program made unreadable) is skipped like the walk's
   * skips, never a failure of the whole scan.
   */
  public static Scan scanTree(Path folder, long maxBytes) throws IOException {
    FileTree.Listing walked = FileTree.walk(folder, MAX_FILES, maxBytes);
    Map<String, Entry> files = new TreeMap<>();
    List<FileTree.Entry> read = new ArrayList<>();
    List<FileTree.Skipped> skipped = new ArrayList<>(walked.skipped());
    int skippedCount = walked.skippedCount();
    for (FileTree.Entry file : walked.files()) {
      try {
        files.put(file.path(), new Entry(file.path(), file.size(), Sha256.of(file.location()), false));
        read.add(file);
      } catch (IOException unreadable) {
        skippedCount++;
        if (skipped.size() < FileTree.SKIPPED_KEPT) {
          skipped.add(new FileTree.Skipped(file.path(), "unreadable"));
        }
      }
    }
    return new Scan(files, new FileTree.Listing(read, skipped, walked.links(), skippedCount));
  }

  public static String sha256(Path file) throws IOException {
    return Sha256.of(file);
  }

  /**
   * One hash for a set of files: SHA-256 over their sorted lines "path NUL sha256 LF", so it names the content
   * whatever archive it came in.
   */
  public static String rootHash(java.util.Collection<Entry> files) {
    MessageDigest digest = Sha256.digest();
    files.stream().sorted(java.util.Comparator.comparing(Entry::path)).forEach(file ->
        digest.update((file.path() + "\0" + file.sha256() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return "sha256:" + Sha256.hex(digest);
  }

  /** The files marked as outputs, by path within the working directory. */
  public Map<String, Entry> outputs() {
    Map<String, Entry> outputs = new TreeMap<>();
    files.stream().filter(Entry::output).forEach(e -> outputs.put(e.path(), e));
    return outputs;
  }

  /** The file at this path, if the manifest lists it. */
  public java.util.Optional<Entry> file(String path) {
    return files.stream().filter(e -> e.path().equals(path)).findFirst();
  }

  public void write(Path file) throws IOException {
    JSON.writeValue(file.toFile(), this);
  }

  public static FileManifest read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new FileManifest(new ArrayList<>());
    }
    return JSON.readValue(file.toFile(), FileManifest.class);
  }
}
