package io.reprise.activities.files;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Walks a folder that a stranger's program wrote, as cleanup and validate must: no link is ever followed, only
 * regular files are listed, every path is a {@link PortablePath} built from the names the file system gave (never
 * re-parsed from text), and anything else is reported as skipped with its reason rather than failing the walk.
 * The walk lists at most {@code maxFiles} files of at most {@code maxBytes} in all (sizes as the file system
 * reports them, so a sparse file of terabytes counts as terabytes), and keeps the first {@link #SKIPPED_KEPT}
 * skipped entries with a count of the rest: a program that made millions of files cannot make the worker hold
 * millions of entries, nor hash and upload more than its budget.
 */
public final class FileTree {

  /** A regular file: its portable path below the root, where it is, and its size when walked. */
  public record Entry(String path, Path location, long size) {}

  /** Something that is not stored, with why. */
  public record Skipped(String path, String reason) {}

  /** Skipped entries kept with their reasons; the rest are only counted. */
  public static final int SKIPPED_KEPT = 100;

  /**
   * @param skippedCount every entry skipped, of which {@code skipped} holds the first {@link #SKIPPED_KEPT}
   */
  public record Listing(List<Entry> files, List<Skipped> skipped, int links, int skippedCount) {

    /** One line for a step text: how many were skipped and why, with a few examples. */
    public String skippedSummary() {
      if (skipped.isEmpty()) {
        return "";
      }
      StringBuilder out = new StringBuilder(skippedCount + " not stored: ");
      for (int i = 0; i < Math.min(3, skipped.size()); i++) {
        out.append(i == 0 ? "" : "; ").append('\'').append(skipped.get(i).path()).append("' (")
            .append(skipped.get(i).reason()).append(')');
      }
      return out.append(skippedCount > 3 ? "; …" : "").toString();
    }
  }

  private FileTree() {}

  public static Listing walk(Path root, int maxFiles) throws IOException {
    return walk(root, maxFiles, Long.MAX_VALUE);
  }

  public static Listing walk(Path root, int maxFiles, long maxBytes) throws IOException {
    List<Entry> files = new ArrayList<>();
    Skips skipped = new Skips();
    int[] links = {0};
    long[] bytes = {0};
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return new Listing(files, List.of(), 0, 0);
    }
    // No FOLLOW_LINKS option: links are visited as links, never entered.
    Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), PortablePath.MAX_DEPTH + 1,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (dir.equals(root)) {
              return FileVisitResult.CONTINUE;
            }
            String path = relative(root, dir);
            var problem = PortablePath.problem(path);
            if (problem.isPresent()) {
              skipped.add(new Skipped(PortablePath.shown(path) + "/", problem.get()));
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            String path = relative(root, file);
            if (attrs.isSymbolicLink()) {
              links[0]++;
              return FileVisitResult.CONTINUE;
            }
            if (attrs.isDirectory()) {
              // Only reached past the depth limit.
              skipped.add(new Skipped(PortablePath.shown(path) + "/", "more than " + PortablePath.MAX_DEPTH
                  + " nested folders"));
              return FileVisitResult.CONTINUE;
            }
            if (!attrs.isRegularFile()) {
              skipped.add(new Skipped(PortablePath.shown(path), "not a regular file (a fifo, socket or device)"));
              return FileVisitResult.CONTINUE;
            }
            var problem = PortablePath.problem(path);
            if (problem.isPresent()) {
              skipped.add(new Skipped(PortablePath.shown(path), problem.get()));
            } else if (files.size() >= maxFiles) {
              skipped.add(new Skipped(PortablePath.shown(path), "more than " + maxFiles + " files"));
            } else if (attrs.size() > maxBytes - bytes[0]) {
              skipped.add(new Skipped(PortablePath.shown(path), attrs.size() + " bytes, past the " + maxBytes
                  + " bytes a job may store"));
            } else {
              bytes[0] += attrs.size();
              files.add(new Entry(path, file, attrs.size()));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            skipped.add(new Skipped(PortablePath.shown(relative(root, file)), "unreadable"));
            return FileVisitResult.CONTINUE;
          }
        });
    return new Listing(files, List.copyOf(skipped.kept), links[0], skipped.count);
  }

  /** The first skipped entries with their reasons, and how many there were. */
  private static final class Skips {
    private final List<Skipped> kept = new ArrayList<>();
    private int count;

    void add(Skipped entry) {
      count++;
      if (kept.size() < SKIPPED_KEPT) {
        kept.add(entry);
      }
    }
  }

  /** The path below the root, joined from the names the file system gave, with '/' whatever they hold. */
  static String relative(Path root, Path file) {
    Path relative = root.relativize(file);
    StringBuilder out = new StringBuilder();
    for (Path name : relative) {
      if (!out.isEmpty()) {
        out.append('/');
      }
      out.append(name.toString());
    }
    return out.toString();
  }
}
