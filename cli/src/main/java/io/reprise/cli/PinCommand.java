package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Pins a job against the retention policy (auditors and operators), or takes the pin away with --remove. */
@Command(name = "pin", mixinStandardHelpOptions = true,
    description = "Keep a job past the retention policy (auditors and operators); --remove takes the pin away.")
final class PinCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Parameters(paramLabel = "JOB", description = "The job's id.")
  String job;

  @Option(names = "--remove", description = "Take the pin away.")
  boolean remove;

  @Override
  public Integer call() {
    String path = "/api/v1/job/" + Api.segment(job) + "/pin";
    JsonNode answer = remove ? common.api().delete(path) : common.api().post(path);
    if (common.json) {
      common.printJson(answer);
    } else {
      common.out().println("job " + Clean.line(answer.path("job_id").asText(job)) + ": "
          + (answer.path("pinned").asBoolean() ? "pinned" : "not pinned"));
    }
    return Reprise.OK;
  }
}
