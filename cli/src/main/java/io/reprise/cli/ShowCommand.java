package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** One job: who ran what, its steps with times and texts, its results and files. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Show a job: its steps (status, start, end, text), results and files.")
final class ShowCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Parameters(paramLabel = "JOB", description = "The job's id.")
  String job;

  @Override
  public Integer call() {
    JsonNode view = common.api().get("/api/v1/job/" + Api.segment(job));
    if (common.json) {
      common.printJson(view);
      return Reprise.OK;
    }
    Style style = common.style();
    java.io.PrintStream out = common.out();
    Instant now = Instant.now();
    out.println(style.bold("job " + Clean.line(view.path("id").asText())) + "  " + style.status(
        view.path("status").asText()) + "  " + Views.duration(Views.jobDuration(view, now)));
    for (String field : new String[] {"compendium_id", "user", "submitted_by", "rerun_of", "rerun_by",
        "cancelled_by", "priority", "created", "exit_code", "image_id", "base_image"}) {
      if (view.hasNonNull(field)) {
        String value = view.path(field).asText();
        out.println("  " + field.replace('_', ' ') + ": " + (field.equals("created") ? Views.time(value)
            : Clean.line(value)));
      }
    }
    if (view.path("reruns").size() > 0) {
      out.println("  reruns: " + Clean.line(String.join(", ", Api.JSON.convertValue(view.path("reruns"),
          String[].class))));
    }
    out.println();
    out.print(Views.steps(view, style, now).render());
    for (String name : Views.stepNames(view)) {
      String text = Views.text(view.path("steps").path(name), "text");
      if (text != null && !text.isBlank()) {
        out.println();
        out.println(style.bold(Clean.line(name) + ":"));
        out.print(Views.indent(text, "  "));
      }
    }
    if (view.hasNonNull("exception")) {
      out.println();
      out.println("error in " + Clean.line(view.path("exception").path("step").asText()) + ": "
          + Clean.line(view.path("exception").path("message").asText()));
    }
    if (view.path("results").size() > 0) {
      out.println();
      out.println(style.bold("results:"));
      for (JsonNode result : view.path("results")) {
        JsonNode data = result.path("data");
        String shown = data.isValueNode() ? data.asText() : data.toString();
        out.println("  " + Clean.line(result.path("resultType").asText()) + ": " + Clean.line(
            shown.length() > 120 ? shown.substring(0, 119) + "…" : shown));
      }
    }
    if (view.hasNonNull("files")) {
      out.println();
      out.println(style.bold("files:"));
      out.print(Views.indent(Views.tree(view.path("files")).stripTrailing(), "  "));
    }
    return Reprise.OK;
  }
}
