package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A job's logs: the stored text, or with {@code -f} the live stream until the job ends. Every line is cleaned of
 * control characters, since a program writes its own log.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
    description = {"Print a job's logs; with -f follow them until the job ends.",
        "With --json and -f, each event is a line of JSON: {\"event\", \"data\"}."})
final class LogsCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Parameters(paramLabel = "JOB", description = "The job's id.")
  String job;

  @Option(names = {"-f", "--follow"}, description = "Follow the log while the job runs.")
  boolean follow;

  @Override
  public Integer call() {
    Api api = common.api();
    String path = "/api/v1/job/" + Api.segment(job) + "/logs";
    PrintStream out = common.out();
    if (!follow) {
      String text = api.getText(path);
      if (common.json) {
        common.printJson(Api.JSON.createObjectNode().put("job_id", job).put("logs", text));
      } else {
        out.print(Clean.text(text));
        if (!text.isEmpty() && !text.endsWith("\n")) {
          out.println();
        }
      }
      return Reprise.OK;
    }
    Style style = common.style();
    api.events(path + "?follow=true", event -> {
      if (common.json) {
        ObjectNode line = Api.JSON.createObjectNode().put("event", event.name());
        try {
          line.set("data", event.name().equals("log") ? line.textNode(event.data())
              : Api.JSON.readTree(event.data()));
        } catch (java.io.IOException notJson) {
          line.put("data", event.data());
        }
        out.println(line.toString());
      } else if (event.name().equals("log")) {
        out.println(Clean.line(event.data()));
      } else if (event.name().equals("step") || event.name().equals("end")) {
        try {
          JsonNode data = Api.JSON.readTree(event.data());
          out.println(style.dim("-- ") + (event.name().equals("end") ? "job" : Clean.line(data.path("step")
              .asText())) + ": " + style.status(data.path("status").asText()));
        } catch (java.io.IOException ignored) {
          // Not JSON: not a change the client can show.
        }
      }
      out.flush();
      return !event.name().equals("end");
    });
    return Reprise.OK;
  }
}
