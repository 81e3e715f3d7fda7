package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** How job views, times and file trees read on a terminal. Every server text passes through {@link Clean}. */
final class Views {

  /** The steps of every job, in the order they run. */
  static final List<String> STEPS = List.of("validate", "compile", "execute", "cleanup");

  private Views() {}

  /** An ISO time as "2026-11-24 00:20:17" (UTC, as the server keeps it), or "" when there is none. */
  static String time(String iso) {
    Instant instant = instant(iso);
    if (instant == null) {
      return iso == null ? "" : Clean.line(iso);
    }
    String text = instant.toString();
    return text.substring(0, 10) + " " + text.substring(11, 19);
  }

  static Instant instant(String iso) {
    if (iso == null || iso.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** A duration for people: 0.4s, 12.3s, 2m03s, 1h02m. */
  static String duration(Duration duration) {
    if (duration == null) {
      return "";
    }
    long millis = Math.max(0, duration.toMillis());
    if (millis < 60_000) {
      return String.format("%d.%ds", millis / 1000, (millis % 1000) / 100);
    }
    long seconds = millis / 1000;
    if (seconds < 3600) {
      return String.format("%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
  }

  /** From start to end, or to now while it runs; null without a start. */
  static Duration between(String start, String end, Instant now) {
    Instant from = instant(start);
    if (from == null) {
      return null;
    }
    Instant to = instant(end);
    return Duration.between(from, to == null ? now : to);
  }

  /** The job's duration: from its start (or creation) to its end, or to now while it runs. */
  static Duration jobDuration(JsonNode job, Instant now) {
    String start = text(job, "started");
    if (start == null) {
      start = text(job, "created");
    }
    String end = text(job, "finished");
    if (end == null && !"running".equals(text(job, "status"))) {
      // An ended job without a finish time: the last step's end is when it ended.
      for (String step : STEPS) {
        String stepEnd = text(job.path("steps").path(step), "end");
        if (stepEnd != null) {
          end = stepEnd;
        }
      }
      if (end == null) {
        return null;
      }
    }
    return between(start, end, now);
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** The job's steps as a table: status, start, end and duration (texts are printed by the caller). */
  static Table steps(JsonNode job, Style style, Instant now) {
    Table table = new Table("step", "status", "start", "end", "duration");
    for (String name : stepNames(job)) {
      JsonNode step = job.path("steps").path(name);
      table.row(Clean.line(name), style.status(text(step, "status")), time(text(step, "start")),
          time(text(step, "end")), duration(between(text(step, "start"), text(step, "end"), now)));
    }
    return table;
  }

  /** The four steps first, then any other the server names. */
  static List<String> stepNames(JsonNode job) {
    List<String> names = new ArrayList<>(STEPS);
    job.path("steps").fieldNames().forEachRemaining(name -> {
      if (!names.contains(name)) {
        names.add(name);
      }
    });
    return names;
  }

  /** The files tree, one entry a line, drawn with indentation; folders end in '/'. */
  static String tree(JsonNode root) {
    StringBuilder out = new StringBuilder();
    for (JsonNode child : root.path("children")) {
      tree(child, "", out);
    }
    return out.toString();
  }

  private static void tree(JsonNode node, String indent, StringBuilder out) {
    boolean folder = "directory".equals(text(node, "type"));
    out.append(indent).append(Clean.line(text(node, "name")));
    if (folder) {
      out.append("/\n");
      for (JsonNode child : node.path("children")) {
        tree(child, indent + "  ", out);
      }
    } else {
      out.append("  (").append(size(node.path("size").asLong())).append(")\n");
    }
  }

  /** Every file of the tree, depth first: its path and size. */
  static List<JsonNode> files(JsonNode root) {
    List<JsonNode> files = new ArrayList<>();
    collect(root, files);
    return files;
  }

  private static void collect(JsonNode node, List<JsonNode> files) {
    if ("file".equals(text(node, "type"))) {
      files.add(node);
    }
    for (JsonNode child : node.path("children")) {
      collect(child, files);
    }
  }

  /** A byte count for people: 512 B, 1.2 KiB, 3.4 MiB. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format("%.1f %s", value, units[unit]);
  }

  /** The text indented by the prefix, line by line, cleaned. */
  static String indent(String text, String prefix) {
    StringBuilder out = new StringBuilder();
    for (String line : Clean.text(text).split("\n", -1)) {
      out.append(prefix).append(line).append('\n');
    }
    return out.toString();
  }
}
