package io.reprise.activities.jobs;

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
}
