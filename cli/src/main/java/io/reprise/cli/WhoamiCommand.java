package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Who the token belongs to, and with which role. */
@Command(name = "whoami", mixinStandardHelpOptions = true, description = "Show the user and role of the token.")
final class WhoamiCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Override
  public Integer call() {
    Api api = common.api();
    JsonNode me = api.get("/api/v1/whoami");
    if (common.json) {
      common.printJson(me);
    } else {
      common.out().println(Clean.line(me.path("user").asText()) + " (" + Clean.line(me.path("role").asText())
          + ") at " + Clean.line(api.server()));
    }
    return Reprise.OK;
  }
}
