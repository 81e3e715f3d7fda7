package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Lists jobs, newest first, with the API's filters and paging. The list gives status, user, compendium and
 * creation; the duration needs each job's view, read a few at a time (the list has no end time).
 */
@Command(name = "jobs", mixinStandardHelpOptions = true,
    description = {"List jobs, newest first: id, status, user, compendium, created, duration.",
        "A submitter sees their own jobs, an auditor or operator all."})
final class JobsCommand implements Callable<Integer> {

  /** The most rows whose durations are read, one job view each. */
  static final int MAX_VIEWS = 200;

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
        "fields", "status,user,compendium_id,created", "cursor", cursor));
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
    // The list has no end time, so each row's duration costs a view; past a few pages that is too many requests.
    boolean durations = items.size() <= MAX_VIEWS;
    Map<String, JsonNode> views = durations ? views(api, items) : Map.of();
    Table table = new Table("id", "status", "user", "compendium", "created", "duration");
    Instant now = Instant.now();
    for (JsonNode item : items) {
      String id = item.path("id").asText();
      JsonNode view = views.get(id);
      table.row(Clean.line(id), style.status(Views.text(item, "status")), Clean.line(Views.text(item, "user")),
          Clean.line(Views.text(item, "compendium_id")), Views.time(Views.text(item, "created")),
          !durations ? "-" : view == null ? "?" : Views.duration(Views.jobDuration(view, now)));
    }
    common.out().print(table.render());
    if (!all && page.hasNonNull("next")) {
      String next = cursorOf(page.path("next").asText());
      common.err().println("more: reprise jobs --cursor " + (next == null ? "?" : Clean.line(next))
          + " (or --all)");
    }
    if (!durations) {
      common.err().println("durations left out for more than " + MAX_VIEWS + " jobs (each needs a request)");
    }
    if (items.isEmpty()) {
      common.err().println("no jobs");
    }
    return Reprise.OK;
  }

  /** Each job's view, four requests at a time; a job whose view fails shows '?' as its duration. */
  private static Map<String, JsonNode> views(Api api, List<JsonNode> items) {
    Map<String, JsonNode> views = new java.util.concurrent.ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> reads = new ArrayList<>();
      for (JsonNode item : items) {
        String id = item.path("id").asText();
        reads.add(CompletableFuture.runAsync(() -> {
          try {
            views.put(id, api.get("/api/v1/job/" + Api.segment(id)));
          } catch (CliException unreadable) {
            // Shown as '?'.
          }
        }, pool));
      }
      CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
    } finally {
      pool.shutdown();
    }
    return views;
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
