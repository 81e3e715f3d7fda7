package io.reprise.activities.jobs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** The last lines of a log, for step texts; the whole log goes to the artifact store. */
final class LogTail {

  static final int LINES = 20;

  private final Deque<String> lines = new ArrayDeque<>();

  synchronized void add(String line) {
    lines.addLast(line);
    if (lines.size() > LINES) {
      lines.removeFirst();
    }
  }

  @Override
  public synchronized String toString() {
    return String.join("\n", lines);
  }

  /** The last lines of a file, reading at most its last 64 KiB. */
  static String of(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      int window = (int) Math.min(length, 64 * 1024);
      byte[] bytes = new byte[window];
      in.seek(length - window);
      in.readFully(bytes);
      LogTail tail = new LogTail();
      new String(bytes, StandardCharsets.UTF_8).lines().forEach(tail::add);
      return tail.toString();
    }
  }
}
