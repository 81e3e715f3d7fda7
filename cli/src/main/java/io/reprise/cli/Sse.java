package io.reprise.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Predicate;

/**
 * Reads a server-sent event stream (text/event-stream) as the HTML standard defines it: lines of {@code field:
 * value}, an event dispatched at each blank line, several {@code data} lines joined by newlines, comments (lines
 * starting with ':') ignored, one space after the colon dropped. The job log stream sends {@code step}, {@code log}
 * and a last {@code end} event.
 */
final class Sse {

  /** One event: its name ("message" when the stream named none) and its data. */
  record Event(String name, String data) {}

  private Sse() {}

  /**
   * Reads events and hands each to the consumer until it answers false (the caller saw the last event it wanted)
   * or the stream ends. Answers whether the consumer stopped the reading.
   */
  static boolean read(BufferedReader reader, Predicate<Event> consumer) throws IOException {
    String name = null;
    StringBuilder data = null;
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isEmpty()) {
        if (data != null) {
          if (!consumer.test(new Event(name == null ? "message" : name, data.toString()))) {
            return true;
          }
        }
        name = null;
        data = null;
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> name = value;
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        default -> {
          // id and retry mean nothing to a client that does not reconnect by itself.
        }
      }
    }
    return false;
  }
}
