package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Re-runs an ended job on its stored compendium, with its recorded image or a rebuilt one; with {@code --watch}
 * follows the re-run as {@code run} does and exits with its outcome.
 */
@Command(name = "rerun", mixinStandardHelpOptions = true,
    description = {"Re-run an ended job with its recorded image (or --rebuild it).",
        "Prints the new job's id; with --watch follows it, exit code 1 when it failed."})
final class RerunCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Parameters(paramLabel = "JOB", description = "The ended job's id.")
  String job;

  @Option(names = "--rebuild", description = "Build the image again and report whether it has the same id.")
  boolean rebuild;

  @Option(names = "--watch", description = "Follow the re-run to its end.")
  boolean watch;

  @Option(names = "--priority", paramLabel = "1-5", description = "The re-run's priority.")
  Integer priority;

  @Override
  public Integer call() {
    Api api = common.api();
    JsonNode started = api.post(Api.path("/api/v1/job/" + Api.segment(job) + "/rerun", Api.params(
        "rebuild", rebuild ? "true" : null, "priority", priority == null ? null : priority.toString())));
    String rerun = started.path("job_id").asText();
    if (!watch) {
      if (common.json) {
        common.printJson(started);
      } else {
        common.out().println(Clean.line(rerun));
      }
      return Reprise.OK;
    }
    Style style = common.style();
    java.io.PrintStream progress = common.json ? common.err() : common.out();
    progress.println("job " + Clean.line(rerun) + " re-runs " + Clean.line(job));
    boolean live = !common.json && common.context().terminal();
    JsonNode view = new JobWatch(api, common.json ? Style.of("never", false, null) : style, progress, live,
        common.columns())
        .follow(rerun);
    if (common.json) {
      common.printJson(view);
      return "success".equals(view.path("status").asText()) ? Reprise.OK : Reprise.FAILED;
    }
    if (view.hasNonNull("rebuilt_image_identical")) {
      common.out().println("rebuilt image identical: " + view.path("rebuilt_image_identical").asBoolean());
    }
    int code = Outcome.report(api, view, style, common.out());
    if (code == Reprise.OK) {
      common.out().println("compare with: reprise compare " + Clean.line(job) + " " + Clean.line(rerun));
    }
    return code;
  }
}
