package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** A job's stored files as a tree: the working directory after the run, the logs and the manifest. */
@Command(name = "files", mixinStandardHelpOptions = true,
    description = "Show a job's stored files as a tree (fetch one with 'reprise get').")
final class FilesCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Parameters(paramLabel = "JOB", description = "The job's id.")
  String job;

  @Override
  public Integer call() {
    JsonNode view = common.api().get("/api/v1/job/" + Api.segment(job));
    JsonNode files = view.path("files");
    if (common.json) {
      common.printJson(files.isMissingNode() ? Api.JSON.createObjectNode() : files);
    } else if (files.isMissingNode() || files.path("children").isEmpty()) {
      common.err().println("no stored files (yet)");
    } else {
      common.out().print(Views.tree(files));
    }
    return Reprise.OK;
  }
}
