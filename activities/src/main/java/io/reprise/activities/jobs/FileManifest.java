package io.reprise.activities.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
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

  /** path → sha256 of every regular file below the folder. */
  public static Map<String, Entry> scan(Path folder) throws IOException {
    Map<String, Entry> files = new TreeMap<>();
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return files;
    }
    Files.walkFileTree(folder, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isRegularFile()) {
          String path = folder.relativize(file).toString().replace('\\', '/');
          files.put(path, new Entry(path, attrs.size(), sha256(file), false));
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return files;
  }

  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, read);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /**
   * One hash for a set of files: SHA-256 over their sorted lines "path NUL sha256 LF", so it names the content
   * whatever archive it came in.
   */
  public static String rootHash(java.util.Collection<Entry> files) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      files.stream().sorted(java.util.Comparator.comparing(Entry::path)).forEach(file ->
          digest.update((file.path() + "\0" + file.sha256() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      return "sha256:" + HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
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
