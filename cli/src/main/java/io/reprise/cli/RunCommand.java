package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Uploads a compendium (a folder, zipped here, or a .zip or .tar.gz as it is), starts a job on it, and follows the
 * job to its end with the steps and the log; the exit code is the job's (0 success, 1 failure).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Upload a compendium (a folder, or a .zip / .tar.gz) and run it as a job.",
        "Shows the four steps as they run and the log's tail, then the result files. Exit code 0 when the job "
            + "succeeded, 1 when it failed."})
final class RunCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Parameters(paramLabel = "DIR|ARCHIVE", description = "A compendium folder, or a .zip or .tar.gz archive.")
  Path source;

  @Option(names = "--detach", description = "Only start the job and print its id.")
  boolean detach;

  @Option(names = "--priority", paramLabel = "1-5", description = "The job's priority, 1 runs first (within your "
      + "role's limit).")
  Integer priority;

  @Override
  public Integer call() throws IOException {
    if (!Files.exists(source)) {
      throw new CliException("no such file or folder: " + source);
    }
    Api api = common.api();
    Style style = common.style();
    // With --json, stdout holds only the final job view, with --detach only the id: progress goes to stderr.
    PrintStream progress = common.json || detach ? common.err() : common.out();
    String compendium = upload(api, progress);
    JsonNode started = api.postForm("/api/v1/job", Api.params("compendium_id", compendium,
        "priority", priority == null ? null : priority.toString()));
    String job = started.path("job_id").asText();
    if (detach) {
      if (common.json) {
        common.printJson(started);
      } else {
        common.out().println(Clean.line(job));
      }
      return Reprise.OK;
    }
    progress.println("job " + Clean.line(job) + " started on compendium " + Clean.line(compendium));
    progress.flush();
    boolean live = !common.json && common.context().terminal();
    JsonNode view = new JobWatch(api, common.json ? Style.of("never", false, null) : style, progress, live,
        common.columns()).follow(job);
    if (common.json) {
      common.printJson(view);
      return "success".equals(view.path("status").asText()) ? Reprise.OK : Reprise.FAILED;
    }
    return Outcome.report(api, view, style, common.out());
  }

  private String upload(Api api, PrintStream progress) throws IOException {
    String name = source.getFileName() == null ? "" : source.getFileName().toString().toLowerCase(Locale.ROOT);
    if (Files.isDirectory(source)) {
      Path zip = Files.createTempFile("reprise-compendium-", ".zip");
      try {
        FolderZip.Summary summary;
        try (OutputStream out = Files.newOutputStream(zip)) {
          summary = FolderZip.zip(source, out);
        }
        progress.println("zipped " + source + ": " + summary.files() + " files, " + summary.folders() + " folders, "
            + Views.size(Files.size(zip)));
        return api.upload("/api/v1/compendium", zip, "application/zip").path("id").asText();
      } finally {
        Files.deleteIfExists(zip);
      }
    }
    String type;
    if (name.endsWith(".zip")) {
      type = "application/zip";
    } else if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
      type = "application/gzip";
    } else {
      throw new CliException(source + " is neither a folder nor a .zip or .tar.gz archive");
    }
    return api.upload("/api/v1/compendium", source, type).path("id").asText();
  }
}
