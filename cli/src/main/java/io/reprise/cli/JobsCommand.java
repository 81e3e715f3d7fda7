package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Lists jobs, newest first, with the API's filters and paging. The list gives status, user, compendium, creation
 * and end, which make the duration.
 */
@Command(name = "jobs", mixinStandardHelpOptions = true,
    description = {"List jobs, newest first: id, status, user, compendium, created, duration.",
        "A submitter sees their own jobs, an auditor or operator all."})
final class JobsCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Option(names = "--status", paramLabel = "STATUS", description = "success, failure or running.",
      completionCandidates = Statuses.class)
  String status;

  @Option(names = "--user", paramLabel = "USER", description = "Jobs run on behalf of this user.")
  String user;

  @Option(names = "--compendium", paramLabel = "ID", split = ",", description = "Jobs on these compendia.")
  List<String> compendia;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
      description = "Jobs per page (1 to 1000). Default: ${DEFAULT-VALUE}.")
  int limit;

  @Option(names = "--cursor", paramLabel = "CURSOR", description = "Start at this page (printed under a list that "
      + "has more).")
  String cursor;

  @Option(names = "--all", description = "Follow the pages to the end.")
  boolean all;

  /** The statuses a job list filters on. */
  static final class Statuses extends ArrayList<String> {
    Statuses() {
      super(List.of("success", "failure", "running"));
    }
  }

  @Override
  public Integer call() {
    if (limit < 1 || limit > 1000) {
      throw new CliException("--limit must be from 1 to 1000");
    }
    Api api = common.api();
    String path = Api.path("/api/v1/job", Api.params("limit", Integer.toString(limit), "status", status,
        "user", user, "compendium_id", compendia == null ? null : String.join(",", compendia),
        "fields", "status,user,compendium_id,created,finished", "cursor", cursor));
    List<JsonNode> items = new ArrayList<>();
    JsonNode page = api.get(path);
    JsonNode first = page;
    page.path("results").forEach(items::add);
    while (all && page.hasNonNull("next")) {
      page = api.get(relative(page.path("next").asText()));
      page.path("results").forEach(items::add);
    }
    if (common.json) {
      if (!all) {
        common.printJson(first);
      } else {
        ObjectNode merged = Api.JSON.createObjectNode();
        ArrayNode results = merged.putArray("results");
        items.forEach(results::add);
        common.printJson(merged);
      }
      return Reprise.OK;
    }
    Style style = common.style();
    Table table = new Table("id", "status", "user", "compendium", "created", "duration");
    Instant now = Instant.now();
    for (JsonNode item : items) {
      String id = item.path("id").asText();
      table.row(Clean.line(id), style.status(Views.text(item, "status")), Clean.line(Views.text(item, "user")),
          Clean.line(Views.text(item, "compendium_id")), Views.time(Views.text(item, "created")),
          Views.duration(Views.jobDuration(item, now)));
    }
    common.out().print(table.render());
    if (!all && page.hasNonNull("next")) {
      String next = cursorOf(page.path("next").asText());
      common.err().println("more: reprise jobs --cursor " + (next == null ? "?" : Clean.line(next))
          + " (or --all)");
    }
    if (items.isEmpty()) {
      common.err().println("no jobs");
    }
    return Reprise.OK;
  }

  /** The next link's path and query, so it is sent to the server the user chose. */
  static String relative(String link) {
    URI uri = URI.create(link);
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  /** The cursor parameter of a next link, decoded. */
  static String cursorOf(String link) {
    String query = URI.create(link).getRawQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith("cursor=")) {
        return java.net.URLDecoder.decode(pair.substring(7), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
