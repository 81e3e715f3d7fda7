package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Asks the server to cancel a running job; the job then ends as cancelled, its cleanup still runs. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a running job.")
final class CancelCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Parameters(paramLabel = "JOB", description = "The job's id.")
  String job;

  @Override
  public Integer call() {
    JsonNode answer = common.api().post("/api/v1/job/" + Api.segment(job) + "/cancel");
    if (common.json) {
      common.printJson(answer);
    } else {
      common.out().println("job " + Clean.line(answer.path("job_id").asText(job)) + ": "
          + Clean.line(answer.path("status").asText("cancelling")));
    }
    return Reprise.OK;
  }
}
