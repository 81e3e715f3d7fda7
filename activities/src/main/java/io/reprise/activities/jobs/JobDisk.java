package io.reprise.activities.jobs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A job's working directory on a file system of its own: a sparse file holding an ext4 file system, loop-mounted
 * on the job's {@code work} folder. The kernel then enforces the disk limit: a program that writes past it gets
 * ENOSPC, and no program can fill the worker's disk, whatever it writes or how fast. The file is sparse, so it
 * takes only the space written. This needs root (mount) and loop devices; a worker without them must run with the
 * disk limit off ({@code REPRISE_EXECUTE_DISK=0}).
 *
 * <p>Alternatives weighed: project quotas (XFS, ext4) are not in every kernel (not in this one); polling the
 * folder's size lets a program write gigabytes between two polls; a tmpfs counts against memory.
 */
final class JobDisk {

  /** What ext4 itself takes (inode tables, bitmaps) on top of the payload, and a floor for tiny file systems. */
  static final double OVERHEAD = 0.06;
  static final long FLOOR_BYTES = 16L << 20;

  private JobDisk() {}

  /** The size of a file system that holds {@code payload} bytes of files. */
  static long sizeFor(long payload) {
    return FLOOR_BYTES + payload + (long) (payload * OVERHEAD);
  }

  /** Makes a file system of the given size in the image file and mounts it, empty, on the mount point. */
  static void create(Path image, Path mountPoint, long bytes) throws IOException {
    Files.createDirectories(mountPoint);
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(bytes);
    }
    // No journal (scratch space, gone after the job) and no reserved blocks (the limit is the job's to use).
    run(List.of("mkfs.ext4", "-q", "-F", "-m", "0", "-O", "^has_journal", "-E", "nodiscard", image.toString()));
    // nosuid and nodev: a file the program makes there can never gain privileges on the host.
    run(List.of("mount", "-o", "loop,nosuid,nodev", image.toString(), mountPoint.toString()));
    Path lostFound = mountPoint.resolve("lost+found");
    if (Files.isDirectory(lostFound, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(lostFound);
    }
  }

  /** True when something is mounted on the folder. */
  static boolean isMounted(Path mountPoint) throws IOException {
    String target = mountPoint.toAbsolutePath().normalize().toString();
    for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
      String[] fields = line.split(" ");
      if (fields.length > 1 && unescape(fields[1]).equals(target)) {
        return true;
      }
    }
    return false;
  }

  /** Unmounts the folder when something is mounted there; the loop device goes with it. */
  static void release(Path mountPoint) throws IOException {
    if (Files.isDirectory(mountPoint, LinkOption.NOFOLLOW_LINKS) && isMounted(mountPoint)) {
      run(List.of("umount", mountPoint.toString()));
    }
  }

  /** Bytes still free on the job's file system. */
  static long free(Path mountPoint) throws IOException {
    return Files.getFileStore(mountPoint).getUsableSpace();
  }

  // /proc/self/mounts escapes space, tab, newline and backslash as octal.
  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command.get(0) + " did not finish in 60 s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(command.get(0) + " was interrupted", e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (process.exitValue() != 0) {
      throw new IOException(command.get(0) + " failed (exit " + process.exitValue() + "): " + output);
    }
  }
}
