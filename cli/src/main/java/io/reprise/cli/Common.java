package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every command has: the server, JSON output for scripts, and colour. Mixed into each command (so they
 * go after the command's name: {@code reprise jobs --json}), with what a command needs to talk and print.
 */
final class Common {

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--server", paramLabel = "URL",
      description = "The Reprise server (default: $REPRISE_URL, else the one saved at login, else "
          + Settings.DEFAULT_SERVER + ").")
  String server;

  @Option(names = "--json", description = "Print the server's JSON and nothing else on stdout, for scripts.")
  boolean json;

  @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
      description = "Colour: auto (a terminal, and NO_COLOR unset), always or never. Default: ${DEFAULT-VALUE}.",
      completionCandidates = Colors.class)
  String color;

  /** The values --color takes, for help and completion. */
  static final class Colors extends java.util.ArrayList<String> {
    Colors() {
      super(java.util.List.of("auto", "always", "never"));
    }
  }

  Context context() {
    return root().context();
  }

  private Reprise root() {
    return (Reprise) mixee.root().userObject();
  }

  /** The --server given to the command, else to reprise itself, else null. */
  String serverOption() {
    return server != null ? server : root().server;
  }

  Settings settings() {
    return context().settings();
  }

  /** The API at the chosen server, with the token from REPRISE_TOKEN or the login (none if neither). */
  Api api() {
    return new Api(settings().server(serverOption()), settings().token().orElse(null));
  }

  Style style() {
    if (!java.util.List.of("auto", "always", "never").contains(color)) {
      throw new CliException("--color takes auto, always or never, not " + Clean.line(color));
    }
    return Style.of(color, context().terminal(), settings().env().get("NO_COLOR"));
  }

  /** Prints the JSON as the server sent it (indented), followed by a newline. */
  void printJson(JsonNode node) {
    try {
      context().out().println(Api.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CliException("cannot print JSON: " + e.getOriginalMessage());
    }
  }

  /** The terminal's width from COLUMNS (cli/reprise exports it for a terminal); 100 when unknown. */
  int columns() {
    try {
      return Integer.parseInt(settings().env().getOrDefault("COLUMNS", "100").strip());
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  java.io.PrintStream out() {
    return context().out();
  }

  java.io.PrintStream err() {
    return context().err();
  }
}
