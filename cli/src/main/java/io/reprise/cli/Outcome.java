package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * The end of a followed job ({@code run}, {@code rerun --watch}): its status, the text of a step that failed, and
 * the result files (those under work/ that the compendium did not bring), with how to fetch one. Answers the exit
 * code: 0 for success, 1 otherwise.
 */
final class Outcome {

  private Outcome() {}

  static int report(Api api, JsonNode job, Style style, PrintStream out) {
    String id = Clean.line(job.path("id").asText());
    String status = job.path("status").asText();
    StringBuilder head = new StringBuilder("job " + id + ": " + style.status(status));
    if (job.hasNonNull("exit_code")) {
      head.append(" (exit code ").append(job.path("exit_code").asInt()).append(')');
    }
    String took = Views.duration(Views.jobDuration(job, Instant.now()));
    if (!took.isEmpty()) {
      head.append(" in ").append(took);
    }
    out.println(head);
    for (String name : Views.stepNames(job)) {
      JsonNode step = job.path("steps").path(name);
      if (!"success".equals(step.path("status").asText()) && step.hasNonNull("text")
          && !step.path("text").asText().isBlank()) {
        out.println(Clean.line(name) + " (" + style.status(step.path("status").asText()) + "):");
        out.print(Views.indent(step.path("text").asText(), "  "));
      }
    }
    if (job.hasNonNull("exception")) {
      out.println("error: " + Clean.line(job.path("exception").path("message").asText()));
    }
    Set<String> inputs = inputs(api, job);
    boolean any = false;
    for (JsonNode file : Views.files(job.path("files"))) {
      String path = file.path("path").asText();
      if (path.startsWith("work/") && !inputs.contains(path.substring(5))) {
        if (!any) {
          out.println("result files:");
          any = true;
        }
        out.println("  " + Clean.line(path) + "  " + Views.size(file.path("size").asLong()));
      }
    }
    if (any) {
      out.println("fetch one with: reprise get " + id + " work/<path> -o <file>");
    }
    return "success".equals(status) ? Reprise.OK : Reprise.FAILED;
  }

  /** The compendium's own paths, so they are not shown as results; none when it cannot be read. */
  private static Set<String> inputs(Api api, JsonNode job) {
    Set<String> paths = new HashSet<>();
    if (!job.hasNonNull("compendium_id")) {
      return paths;
    }
    try {
      JsonNode compendium = api.get("/api/v1/compendium/" + Api.segment(job.path("compendium_id").asText()));
      for (JsonNode file : compendium.path("files")) {
        paths.add(file.path("path").asText());
      }
    } catch (CliException unreadable) {
      // Shown as results then: better too many than none.
    }
    return paths;
  }
}
