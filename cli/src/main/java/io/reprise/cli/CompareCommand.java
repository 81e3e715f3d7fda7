package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Did two runs reproduce? A verdict per output file, then the unified diffs, coloured as git colours them. The exit
 * code follows the verdict (0 reproduced, 1 not), so a script can gate on it as on {@code diff}.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Compare two jobs' outputs: a verdict per file and the diffs.",
        "Exit code 0 when the outputs reproduced, 1 when they did not."})
final class CompareCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Parameters(index = "0", paramLabel = "A", description = "The first job's id.")
  String a;

  @Parameters(index = "1", paramLabel = "B", description = "The second job's id.")
  String b;

  @Override
  public Integer call() {
    JsonNode comparison = common.api().get("/api/v1/job/" + Api.segment(a) + "/compare/" + Api.segment(b));
    boolean reproduced = comparison.path("reproduced").asBoolean(false);
    if (common.json) {
      common.printJson(comparison);
      return reproduced ? Reprise.OK : Reprise.FAILED;
    }
    Style style = common.style();
    PrintStream out = common.out();
    Table table = new Table("file", "verdict", "size a", "size b");
    for (JsonNode file : comparison.path("files")) {
      table.row(Clean.line(file.path("path").asText()), style.status(file.path("verdict").asText()),
          file.hasNonNull("size_a") ? Views.size(file.path("size_a").asLong()) : "-",
          file.hasNonNull("size_b") ? Views.size(file.path("size_b").asLong()) : "-");
    }
    out.print(table.render());
    for (JsonNode file : comparison.path("files")) {
      if (file.hasNonNull("diff") && !file.path("diff").asText().isEmpty()) {
        out.println();
        out.print(diff(file.path("diff").asText(), style));
      }
    }
    out.println();
    out.println(style.status(comparison.path("verdict").asText()) + summary(comparison));
    return reproduced ? Reprise.OK : Reprise.FAILED;
  }

  private static String summary(JsonNode comparison) {
    StringBuilder text = new StringBuilder();
    comparison.path("counts").fields().forEachRemaining(count ->
        text.append(text.length() == 0 ? ": " : ", ").append(count.getValue().asInt()).append(' ')
            .append(Clean.line(count.getKey())));
    return text.toString();
  }

  /** A unified diff, cleaned, with removed lines red, added green and hunk headers cyan. */
  static String diff(String diff, Style style) {
    StringBuilder out = new StringBuilder();
    for (String line : Clean.text(diff).split("\n", -1)) {
      if (line.startsWith("---") || line.startsWith("+++")) {
        out.append(style.bold(line));
      } else if (line.startsWith("@@")) {
        out.append(style.cyan(line));
      } else if (line.startsWith("-")) {
        out.append(style.red(line));
      } else if (line.startsWith("+")) {
        out.append(style.green(line));
      } else {
        out.append(line);
      }
      out.append('\n');
    }
    String text = out.toString();
    return text.endsWith("\n\n") ? text.substring(0, text.length() - 1) : text;
  }
}
