package io.reprise.activities.jobs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;

/**
 * A job's local folders on the worker: {@code work/} holds the unpacked compendium and is the container's working
 * directory; {@code logs/} holds the full step logs; {@code archive} is the downloaded compendium.
 */
public final class Workspace {

  // Job ids become folder, container and image names, so they are held to a safe alphabet.
  private static final Pattern JOB_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private final Path root;

  public Workspace(Path root) {
    this.root = root;
  }

  public static String checkJobId(String jobId) {
    if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException("invalid job id: " + jobId);
    }
    return jobId;
  }

  public Path jobDir(String jobId) {
    return root.resolve(checkJobId(jobId));
  }

  public Path workDir(String jobId) {
    return jobDir(jobId).resolve("work");
  }

  public Path logDir(String jobId) {
    return jobDir(jobId).resolve("logs");
  }

  public Path archive(String jobId) {
    return jobDir(jobId).resolve("archive");
  }

  /** Deletes the job's folder and everything in it, without following links. */
  public void delete(String jobId) throws IOException {
    deleteTree(jobDir(jobId));
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
