package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Follows a job to its end on the log stream ({@code /logs?follow=true}) and shows its four steps with status and
 * elapsed time, and the log. On a terminal the board is redrawn in place, with the log's last lines under it, and
 * a ticker keeps the running step's time moving; elsewhere (a pipe, a CI log) each step change is one line and
 * each log line is printed once, so the output reads top to bottom. Step times come from the job view, read at
 * each step change, so they are the server's, not this client's.
 */
final class JobWatch {

  private static final int TAIL = 8;

  private final Api api;
  private final Style style;
  private final PrintStream out;
  private final boolean live;
  private final int width;

  private final Map<String, Step> steps = new LinkedHashMap<>();
  private final Deque<String> tail = new ArrayDeque<>();
  private int drawn;

  /** A step as the board shows it: status and the server's start and end times (null while unknown). */
  private record Step(String status, Instant start, Instant end) {}

  /**
   * @param live redraw in place (stdout is a terminal); otherwise one line per change
   * @param width the terminal's columns, to cut log lines so a redraw never wraps
   */
  JobWatch(Api api, Style style, PrintStream out, boolean live, int width) {
    this.api = api;
    this.style = style;
    this.out = out;
    this.live = live;
    this.width = Math.max(40, width);
    for (String name : Views.STEPS) {
      steps.put(name, new Step("waiting", null, null));
    }
  }

  /** Follows the job to its end and answers its final view. */
  JsonNode follow(String jobId) {
    // Interrupted (Ctrl-C), the client stops following but the job runs on: say so, and how to reach it.
    Thread hint = new Thread(() -> {
      out.println();
      out.println("reprise: job " + Clean.line(jobId) + " runs on; follow it with 'reprise logs -f "
          + Clean.line(jobId) + "', cancel it with 'reprise cancel " + Clean.line(jobId) + "'");
      out.flush();
    });
    Runtime.getRuntime().addShutdownHook(hint);
    try {
      return followToTheEnd(jobId);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hint);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs: the process is being interrupted.
      }
    }
  }

  private JsonNode followToTheEnd(String jobId) {
    String path = "/api/v1/job/" + Api.segment(jobId);
    ScheduledExecutorService ticker = null;
    if (live) {
      ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "reprise-ticker");
        thread.setDaemon(true);
        return thread;
      });
      ticker.scheduleAtFixedRate(this::redraw, 250, 250, TimeUnit.MILLISECONDS);
      redraw();
    }
    try {
      boolean ended = api.events(path + "/logs?follow=true", event -> switch (event.name()) {
        case "step" -> {
          onStep(path, event.data());
          yield true;
        }
        case "log" -> {
          onLog(event.data());
          yield true;
        }
        case "end" -> false;
        default -> true;
      });
      JsonNode view = api.get(path);
      if (!ended && "running".equals(view.path("status").asText())) {
        throw new CliException("the log stream ended before the job did; follow it again with 'reprise logs -f "
            + Clean.line(jobId) + "'");
      }
      update(view);
      return view;
    } finally {
      if (ticker != null) {
        ticker.shutdownNow();
        try {
          ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        redraw();
      }
      out.flush();
    }
  }

  private void onStep(String path, String data) {
    String name;
    String status;
    try {
      JsonNode change = Api.JSON.readTree(data);
      name = change.path("step").asText();
      status = change.path("status").asText();
    } catch (java.io.IOException e) {
      return;
    }
    // The view is read after the event, so it is at least as new: the board takes its statuses and times.
    JsonNode view = api.get(path);
    synchronized (this) {
      update(view);
      if (!steps.containsKey(name)) {
        steps.put(name, new Step(status, null, null));
      }
      if (!live) {
        // One line per change, with the server's duration once the step has ended as the stream says.
        JsonNode step = view.path("steps").path(name);
        Duration took = status.equals(step.path("status").asText()) && step.hasNonNull("end")
            ? Views.between(Views.text(step, "start"), Views.text(step, "end"), Instant.now()) : null;
        out.println("step " + Clean.line(name) + ": " + style.status(status)
            + (took == null ? "" : " (" + Views.duration(took) + ")"));
        out.flush();
      }
    }
    redraw();
  }

  private void onLog(String line) {
    String clean = Clean.line(line);
    synchronized (this) {
      if (live) {
        tail.addLast(clean);
        while (tail.size() > TAIL) {
          tail.removeFirst();
        }
      } else {
        out.println("  " + style.dim("|") + " " + clean);
        out.flush();
      }
    }
    redraw();
  }

  /** Takes the view's step statuses and times. */
  private synchronized void update(JsonNode view) {
    for (String name : Views.stepNames(view)) {
      JsonNode step = view.path("steps").path(name);
      if (step.isMissingNode()) {
        continue;
      }
      steps.put(name, new Step(step.path("status").asText("waiting"), Views.instant(Views.text(step, "start")),
          Views.instant(Views.text(step, "end"))));
    }
  }

  /** The board's lines: one per step, then the log's tail. */
  synchronized List<String> board(Instant now) {
    List<String> lines = new ArrayList<>();
    int nameWidth = steps.keySet().stream().mapToInt(String::length).max().orElse(8);
    steps.forEach((name, step) -> {
      String mark = switch (step.status()) {
        case "success" -> style.green("✓");
        case "failure", "failed" -> style.red("✗");
        case "running" -> style.yellow("●");
        default -> style.dim("·");
      };
      Duration elapsed = step.start() == null ? null
          : Duration.between(step.start(), step.end() == null ? now : step.end());
      String status = Clean.line(step.status());
      String line = "  " + mark + " " + Clean.line(name) + " ".repeat(nameWidth - name.length() + 2)
          + style.status(step.status());
      lines.add(elapsed == null ? line : line + " ".repeat(Math.max(1, 10 - status.length()))
          + Views.duration(elapsed));
    });
    if (!tail.isEmpty()) {
      lines.add("  " + style.dim("log:"));
      for (String line : tail) {
        String cut = line.length() > width - 4 ? line.substring(0, width - 5) + "…" : line;
        lines.add("    " + cut);
      }
    }
    return lines;
  }

  /** Redraws the board in place: up to its first line, then each line cleared and written. */
  private synchronized void redraw() {
    if (!live) {
      return;
    }
    List<String> lines = board(Instant.now());
    StringBuilder frame = new StringBuilder();
    if (drawn > 0) {
      frame.append("\u001B[").append(drawn).append('F');
    }
    for (String line : lines) {
      frame.append("\u001B[2K").append(line).append('\n');
    }
    // A shorter board than the last one: clear what is left below.
    frame.append("\u001B[J");
    drawn = lines.size();
    out.print(frame);
    out.flush();
  }
}
