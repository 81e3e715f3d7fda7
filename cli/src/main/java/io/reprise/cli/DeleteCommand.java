package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Deletes an ended job: its workflow, logs and records go at once, its working directory's blobs with a later
 * storage sweep when no other job refers to them. The server refuses a running job (cancel it first).
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = {"Delete an ended job (operators any, submitters their own).",
        "Its files' contents are freed by the next storage sweep when no other job refers to them."})
final class DeleteCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Parameters(paramLabel = "JOB", description = "The job's id.")
  String job;

  @Override
  public Integer call() {
    JsonNode answer = common.api().delete("/api/v1/job/" + Api.segment(job));
    if (common.json) {
      common.printJson(answer);
    } else {
      common.out().println("job " + Clean.line(answer.path("job_id").asText(job)) + ": deleted ("
          + answer.path("objects_deleted").asLong() + " objects, " + answer.path("bytes_deleted").asLong()
          + " bytes; shared contents go with the next sweep)");
    }
    return Reprise.OK;
  }
}
