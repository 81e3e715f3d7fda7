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
 * directory (with a disk limit, a file system of its own whose bytes are in {@code disk.img}); {@code unpacked/}
 * is where validate unpacks and checks the archive before anything is placed in {@code work/}; {@code logs/} holds
 * the full step logs; {@code archive} is the downloaded compendium.
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

  public Path unpacked(String jobId) {
    return jobDir(jobId).resolve("unpacked");
  }

  public Path diskImage(String jobId) {
    return jobDir(jobId).resolve("disk.img");
  }

  /** Deletes the job's folder and everything in it, without following links; its file system is unmounted first. */
  public void delete(String jobId) throws IOException {
    JobDisk.release(workDir(jobId));
    deleteTree(jobDir(jobId));
  }

  /** Copies a folder's tree into another, links as links (never followed), with permissions and times. */
  static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Path target = to.resolve(from.relativize(dir));
        if (!Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(target);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file)), java.nio.file.LinkOption.NOFOLLOW_LINKS,
            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        return FileVisitResult.CONTINUE;
      }
    });
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
