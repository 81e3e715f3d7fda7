package io.reprise.activities.jobs;

import io.reprise.workflows.jobs.StepText;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last lines of a log, for step texts and heartbeats; the whole log goes to the artifact store. Bounded in lines
 * and in characters whatever the program prints: the tail travels in every heartbeat and in the activity's result,
 * and a result over Temporal's message size could never be reported.
 */
final class LogTail {

  static final int LINES = 20;
  /** Longest line kept; the rest of a longer line is in the full log. */
  static final int LINE_CHARS = 1000;

  private final Deque<String> lines = new ArrayDeque<>();
  private int chars;

  synchronized void add(String line) {
    String kept = line.length() <= LINE_CHARS ? line
        : line.substring(0, LINE_CHARS) + " […" + (line.length() - LINE_CHARS) + " more characters]";
    lines.addLast(kept);
    chars += kept.length() + 1;
    while (lines.size() > LINES || (chars > StepText.MAX_CHARS && lines.size() > 1)) {
      chars -= lines.removeFirst().length() + 1;
    }
  }

  @Override
  public synchronized String toString() {
    return String.join("\n", lines);
  }
}
