package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Saves a token for later commands, after asking the server who it belongs to: a mistyped token is refused before
 * it is saved. The token comes from {@code --token}, else stdin when stdin is not a terminal, else a prompt that
 * does not echo. The server URL used is saved too, so later commands need no {@code --server}.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
    description = {"Check a token with the server and save it (mode 600) with the server's URL.",
        "Reads the token from stdin when stdin is not a terminal, else prompts for it without echo."})
final class LoginCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Option(names = "--token", paramLabel = "TOKEN", description = "The token (visible to other users in ps: prefer "
      + "stdin or the prompt).")
  String token;

  @Override
  public Integer call() throws IOException {
    if (token != null) {
      common.err().println("reprise: note: a token on the command line is visible to every user in ps; "
          + "prefer stdin or the prompt");
    }
    String given = token != null ? token : read();
    if (given == null || given.isBlank()) {
      throw new CliException("no token given");
    }
    given = given.strip();
    if (!given.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
      throw new CliException("a token is printable ASCII without spaces");
    }
    String server = common.settings().server(common.serverOption());
    JsonNode me = new Api(server, given).get("/api/v1/whoami");
    TokenFile file = common.settings().tokenFile();
    file.save(given, server);
    if (common.json) {
      common.printJson(me);
    } else {
      common.out().println("Logged in to " + Clean.line(server) + " as " + Clean.line(me.path("user").asText())
          + " (" + Clean.line(me.path("role").asText()) + "); token saved in " + file.tokenPath());
      if (common.settings().env().get("REPRISE_TOKEN") != null) {
        common.err().println("reprise: note: REPRISE_TOKEN is set and overrides the saved token");
      }
    }
    return Reprise.OK;
  }

  private String read() throws IOException {
    Console console = System.console();
    if (console != null && common.context().in() == System.in) {
      char[] typed = console.readPassword("Token for %s: ", common.settings().server(common.serverOption()));
      return typed == null ? null : new String(typed);
    }
    BufferedReader reader = new BufferedReader(new InputStreamReader(common.context().in(), StandardCharsets.UTF_8));
    return reader.readLine();
  }
}
