package io.reprise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands against a fake server on loopback: parsing, exit codes, what reaches stdout and stderr. */
class CommandsTest {

  @TempDir
  Path home;

  private HttpServer server;
  private final Map<String, String[]> answers = new HashMap<>();
  private final List<String> authorizations = new ArrayList<>();
  /** Routes that answer 429 (Retry-After: 0) this many times before their answer. */
  private final Map<String, Integer> refusals = new HashMap<>();

  /** What one run printed and answered. */
  record Result(int code, String out, String err) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
      if (refusals.getOrDefault(key, 0) > 0) {
        refusals.merge(key, -1, Integer::sum);
        byte[] busy = "{\"error\":\"too many reads at once; try again in a second\"}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Retry-After", "0");
        exchange.sendResponseHeaders(429, busy.length);
        exchange.getResponseBody().write(busy);
        exchange.close();
        return;
      }
      String[] answer = answers.getOrDefault(key, new String[] {"404", "{\"error\":\"no such route: " + key + "\"}"});
      byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", answer.length > 2 ? answer[2] : "application/json");
      exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private Result run(String stdin, Map<String, String> extraEnv, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env = new HashMap<>(Map.of("HOME", home.toString(), "REPRISE_URL", url(),
        "REPRISE_TOKEN", "rpr_test"));
    env.putAll(extraEnv);
    env.values().removeIf(String::isEmpty);
    int code = Reprise.execute(new Context(new Settings(env), new ByteArrayInputStream(stdin.getBytes(
        StandardCharsets.UTF_8)), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false), args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Result run(String... args) {
    return run("", Map.of(), args);
  }

  @Test
  void everyCommandHasHelpAndExitsZero() {
    List<String[]> commands = new ArrayList<>();
    collect(Reprise.commandLine(new Context(new Settings(Map.of()), System.in, System.out, System.err, false)),
        new ArrayList<>(), commands);
    assertTrue(commands.size() >= 17, commands.size() + " commands");
    for (String[] command : commands) {
      List<String> args = new ArrayList<>(List.of(command));
      args.add("--help");
      Result result = run(args.toArray(String[]::new));
      assertEquals(0, result.code(), String.join(" ", args) + ": " + result.err());
      assertTrue(result.out().startsWith("Usage: reprise"), result.out());
    }
  }

  private static void collect(CommandLine line, List<String> path, List<String[]> into) {
    into.add(path.toArray(String[]::new));
    line.getSubcommands().forEach((name, sub) -> {
      List<String> deeper = new ArrayList<>(path);
      deeper.add(name);
      collect(sub, deeper, into);
    });
  }

  @Test
  void usageErrorsExitTwoWithALineOnStderr() {
    Result unknown = run("jobs", "--no-such-option");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().startsWith("reprise: Unknown option: '--no-such-option'"), unknown.err());
    assertEquals("", unknown.out());
    assertEquals(2, run("show").code());
    assertEquals(2, run("jobs", "--limit", "abc").code());
    assertEquals(2, run("jobs", "--limit", "0").code());
    assertEquals(2, run("audit", "start").code());
    assertEquals(2, run("audit", "start", "--job", "a", "--status", "success").code());
    assertEquals(2, run("get", "job", "../x").code());
    assertEquals(2, run("nonsense").code());
    assertEquals(2, run().code());
  }

  @Test
  void theServersErrorIsShownCleanedAndExitsTwo() {
    answers.put("GET /api/v1/job/abc",
        new String[] {"404", "{\"error\":\"no job with id abc\\u001b]0;owned\\u0007\"}"});
    Result result = run("show", "abc");
    assertEquals(2, result.code());
    assertEquals("reprise: no job with id abc\n", result.err());
    answers.put("GET /api/v1/audit/x", new String[] {"403", "{\"error\":\"the role submitter may not do this\"}"});
    assertEquals("reprise: the role submitter may not do this\n", run("audit", "show", "x").err());
  }

  @Test
  void aReadRefusedWith429IsSentAgainAfterItsRetryAfterAndAWriteIsNot() {
    answers.put("GET /api/v1/job/abc", new String[] {"200", "{\"id\":\"abc\",\"files\":{}}"});
    refusals.put("GET /api/v1/job/abc", 2);
    Result read = run("files", "abc", "--json");
    assertEquals(0, read.code(), read.err());
    assertEquals(0, refusals.get("GET /api/v1/job/abc"), "both refusals were met");
    refusals.put("GET /api/v1/job/abc", 6);
    Result refused = run("files", "abc");
    assertEquals(2, refused.code(), "five retries, then the server's words");
    assertEquals("reprise: too many reads at once; try again in a second\n", refused.err());
    answers.put("POST /api/v1/job/abc/cancel", new String[] {"202", "{\"job_id\":\"abc\"}"});
    refusals.put("POST /api/v1/job/abc/cancel", 1);
    assertEquals(2, run("cancel", "abc").code(), "a write is never sent twice");
    assertEquals(0, refusals.get("POST /api/v1/job/abc/cancel"));
  }

  @Test
  void deleteAndPinSendTheirMethodsAndARunningJobIsRefusedWithTheServersWords() {
    answers.put("DELETE /api/v1/job/j1", new String[] {"202", "{\"job_id\":\"j1\",\"status\":\"deleted\","
        + "\"objects_deleted\":5,\"bytes_deleted\":2048}"});
    Result deleted = run("delete", "j1");
    assertEquals(0, deleted.code(), deleted.err());
    assertEquals("job j1: deleted (5 objects, 2048 bytes; shared contents go with the next sweep)\n", deleted.out());
    answers.put("DELETE /api/v1/job/j2", new String[] {"409", "{\"error\":\"job j2 is running; cancel it first\"}"});
    Result running = run("delete", "j2");
    assertEquals(2, running.code());
    assertEquals("reprise: job j2 is running; cancel it first\n", running.err());
    answers.put("POST /api/v1/job/j1/pin", new String[] {"200", "{\"job_id\":\"j1\",\"pinned\":true}"});
    assertEquals("job j1: pinned\n", run("pin", "j1").out());
    answers.put("DELETE /api/v1/job/j1/pin", new String[] {"200", "{\"job_id\":\"j1\",\"pinned\":false}"});
    assertEquals("job j1: not pinned\n", run("pin", "--remove", "j1").out());
  }

  @Test
  void anUnreachableServerExitsTwo() {
    server.stop(0);
    Result result = run("whoami");
    assertEquals(2, result.code());
    assertTrue(result.err().startsWith("reprise: cannot reach " + url()), result.err());
  }

  @Test
  void theTokenGoesInTheHeaderOnlyAndJsonIsTheServers() {
    answers.put("GET /api/v1/whoami", new String[] {"200", "{\"user\":\"alice\",\"role\":\"submitter\"}"});
    Result human = run("whoami");
    assertEquals(0, human.code());
    assertEquals("alice (submitter) at " + url() + "\n", human.out());
    Result json = run("whoami", "--json");
    assertEquals("{\n  \"user\" : \"alice\",\n  \"role\" : \"submitter\"\n}\n", json.out());
    assertEquals(List.of("Bearer rpr_test", "Bearer rpr_test"), authorizations);
    assertFalse(human.out().contains("rpr_test") || human.err().contains("rpr_test"));
  }

  @Test
  void loginChecksTheTokenFromStdinThenSavesIt() {
    answers.put("GET /api/v1/whoami", new String[] {"200", "{\"user\":\"alice\",\"role\":\"submitter\"}"});
    Result result = run("rpr_typed\n", Map.of("REPRISE_TOKEN", ""), "login");
    assertEquals(0, result.code(), result.err());
    assertEquals(List.of("Bearer rpr_typed"), authorizations);
    TokenFile file = new Settings(Map.of("HOME", home.toString())).tokenFile();
    assertEquals(java.util.Optional.of("rpr_typed"), file.token());
    assertEquals(java.util.Optional.of(url()), file.server());
    // Later commands use it, with no REPRISE_URL either.
    assertEquals(0, run("", Map.of("REPRISE_TOKEN", "", "REPRISE_URL", ""), "whoami").code());
    assertEquals("Bearer rpr_typed", authorizations.get(1));
  }

  @Test
  void aRefusedTokenIsNotSaved() {
    answers.put("GET /api/v1/whoami", new String[] {"401", "{\"error\":\"the bearer token is not valid\"}"});
    Result result = run("rpr_wrong\n", Map.of("REPRISE_TOKEN", ""), "login");
    assertEquals(2, result.code());
    assertTrue(result.err().startsWith("reprise: the bearer token is not valid\n"), result.err());
    assertEquals(java.util.Optional.empty(), new Settings(Map.of("HOME", home.toString())).tokenFile().token());
  }

  @Test
  void jobsIsATableWithDurations() {
    answers.put("GET /api/v1/job", new String[] {"200", "{\"results\":[{\"id\":\"job1\",\"status\":\"success\","
        + "\"user\":\"alice\",\"compendium_id\":\"comp1\",\"created\":\"2026-11-24T00:20:17.912Z\","
        + "\"finished\":\"2026-11-24T00:20:30.412Z\"}],\"next\":\"/api/v1/job?limit=1&cursor=AB%3D\"}"});
    Result result = run("jobs", "--limit", "1");
    assertEquals(0, result.code(), result.err());
    assertEquals("""
        ID    STATUS   USER   COMPENDIUM  CREATED              DURATION
        job1  success  alice  comp1       2026-11-24 00:20:17  12.5s
        """, result.out());
    assertEquals("more: reprise jobs --cursor AB= (or --all)\n", result.err());
  }

  @Test
  void followedLogsAreCleanedAndEndWithTheJob() {
    answers.put("GET /api/v1/job/j/logs", new String[] {"200", "event:step\ndata:{\"step\":\"execute\","
        + "\"status\":\"running\"}\n\nevent:log\ndata:execute: \u001B]0;title\u0007hello \u001B[31mred\n\n"
        + "event:end\ndata:{\"status\":\"failure\"}\n\n", "text/event-stream"});
    Result result = run("logs", "-f", "j");
    assertEquals(0, result.code(), result.err());
    assertEquals("-- execute: running\nexecute: hello red\n-- job: failure\n", result.out());
  }

  @Test
  void compareExitsOneWhenNotReproduced() {
    answers.put("GET /api/v1/job/a/compare/b", new String[] {"200", "{\"verdict\":\"not_reproduced\","
        + "\"reproduced\":false,\"counts\":{\"different\":1},\"files\":[{\"path\":\"results/r.txt\","
        + "\"verdict\":\"different\",\"size_a\":2,\"size_b\":2,"
        + "\"diff\":\"--- a/r\\n+++ b/r\\n@@ -1 +1 @@\\n-1\\n+2\\n\"}]}"});
    Result result = run("compare", "a", "b");
    assertEquals(1, result.code(), result.err());
    assertTrue(result.out().contains("results/r.txt  different  2 B     2 B"), result.out());
    assertTrue(result.out().contains("@@ -1 +1 @@\n-1\n+2\n"), result.out());
    assertTrue(result.out().endsWith("not_reproduced: 1 different\n"), result.out());
    answers.put("GET /api/v1/job/a/compare/c", new String[] {"200", "{\"verdict\":\"reproduced\","
        + "\"reproduced\":true,\"counts\":{\"identical\":1},\"files\":[]}"});
    assertEquals(0, run("compare", "a", "c").code());
  }

  private void rerunOf(String status, int exitCode) {
    answers.put("POST /api/v1/job/o1/rerun", new String[] {"201", "{\"job_id\":\"r1\",\"rerun_of\":\"o1\"}"});
    StringBuilder stream = new StringBuilder();
    for (String step : List.of("validate", "compile", "execute", "cleanup")) {
      stream.append("event:step\ndata:{\"step\":\"").append(step).append("\",\"status\":\"running\"}\n\n");
      stream.append("event:step\ndata:{\"step\":\"").append(step).append("\",\"status\":\"")
          .append(step.equals("execute") ? status : "success").append("\"}\n\n");
    }
    stream.append("event:log\ndata:execute: \u001B[2Jline one\n\nevent:end\ndata:{\"status\":\"" + status + "\"}\n\n");
    answers.put("GET /api/v1/job/r1/logs", new String[] {"200", stream.toString(), "text/event-stream"});
    StringBuilder steps = new StringBuilder();
    for (String step : List.of("validate", "compile", "execute", "cleanup")) {
      steps.append(steps.length() == 0 ? "" : ",").append("\"").append(step).append("\":{\"status\":\"")
          .append(step.equals("execute") ? status : "success").append("\",\"start\":\"2026-11-24T00:00:0")
          .append(Views.STEPS.indexOf(step)).append("Z\",\"end\":\"2026-11-24T00:00:0")
          .append(Views.STEPS.indexOf(step) + 1).append(".500Z\",\"text\":\"exited with code 3\"}");
    }
    answers.put("GET /api/v1/job/r1", new String[] {"200", "{\"id\":\"r1\",\"compendium_id\":\"c1\",\"status\":\""
        + status + "\",\"started\":\"2026-11-24T00:00:00Z\",\"finished\":\"2026-11-24T00:00:04.500Z\",\"steps\":{"
        + steps + "},\"files\":{\"name\":\"r1\",\"path\":\"\",\"type\":\"directory\",\"children\":["
        + "{\"name\":\"out.txt\",\"path\":\"work/out.txt\",\"type\":\"file\",\"size\":3},"
        + "{\"name\":\"in.txt\",\"path\":\"work/in.txt\",\"type\":\"file\",\"size\":3}]}}"});
    answers.put("GET /api/v1/compendium/c1", new String[] {"200", "{\"files\":[{\"path\":\"in.txt\"}]}"});
    Result result = run("rerun", "o1", "--watch");
    assertEquals(exitCode, result.code(), result.out() + result.err());
    assertTrue(result.out().startsWith("job r1 re-runs o1\nstep validate: running\nstep validate: success (1.5s)\n"),
        result.out());
    assertTrue(result.out().contains("step execute: " + status + " (1.5s)\n"), result.out());
    assertTrue(result.out().contains("  | execute: line one\n"), result.out());
    assertTrue(result.out().contains("job r1: " + status + " in 4.5s\n"), result.out());
    assertTrue(result.out().contains("result files:\n  work/out.txt  3 B\n"), result.out());
    assertFalse(result.out().contains("in.txt"), "the compendium's own files are no results: " + result.out());
    assertEquals(status.equals("failure"), result.out().contains("execute (failure):\n  exited with code 3\n"),
        result.out());
  }

  @Test
  void aWatchedJobShowsEachStepChangeOnALineAndExitsWithTheJob() {
    rerunOf("success", 0);
  }

  @Test
  void aWatchedJobThatFailedExitsOneWithTheStepsText() {
    rerunOf("failure", 1);
  }

  @Test
  void completionIsABashScriptForEveryCommand() {
    Result result = run("completion");
    assertEquals(0, result.code());
    assertTrue(result.out().startsWith("#!/usr/bin/env bash"), result.out().substring(0, 40));
    assertTrue(result.out().contains("complete -F") && result.out().contains("audit") && result.out()
        .contains("--rebuild"));
  }
}
