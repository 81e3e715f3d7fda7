package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.Compendia;
import io.reprise.activities.TestStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line client end to end: {@code bash cli/reprise ...} run as a subprocess against the test instance,
 * as a user would run it, with the URL and a token in the environment, NO_COLOR, and a home of its own. Each case
 * checks the exit code, stdout and stderr; JSON output is parsed, and files are compared with the API's bytes.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CliIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern STARTED = Pattern.compile("job ([a-z0-9]+) started on compendium ([a-z0-9]+)");

  @TempDir
  static Path home;

  private static String submitter;
  private static String auditor;
  /** A run of the example, shared by the cases that read a job. */
  private static String hello;
  private static CliRun helloRun;

  /** One run of the client: exit code, stdout as bytes and text, stderr. */
  record CliRun(int code, byte[] bytes, String err) {
    String out() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out() + "\n--- stderr\n" + err;
    }
  }

  @BeforeAll
  static void runTheExample() throws Exception {
    submitter = ApiClient.token("cli-alice", "submitter");
    auditor = ApiClient.token("cli-carol", "auditor");
    helloRun = cli(submitter, "run", TestStack.repoRoot().resolve("examples/hello-analysis").toString());
    Matcher started = STARTED.matcher(helloRun.out());
    assertTrue(started.find(), helloRun.toString());
    hello = started.group(1);
  }

  private static ProcessBuilder process(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", TestStack.repoRoot().resolve("cli/reprise").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    environment.remove("REPRISE_TOKEN");
    environment.remove("XDG_CONFIG_HOME");
    environment.put("HOME", home.toString());
    environment.put("XDG_CACHE_HOME", home.resolve("cache").toString());
    environment.put("REPRISE_URL", ApiClient.BASE);
    environment.put("NO_COLOR", "1");
    environment.putAll(env);
    environment.values().removeIf(String::isEmpty);
    return builder;
  }

  /** Runs the client with the environment (an empty value removes a variable) and stdin given, to its end. */
  private static CliRun cli(Map<String, String> env, String stdin, String... args)
      throws IOException, InterruptedException {
    Path err = Files.createTempFile(home, "err-", ".txt");
    Process process = process(env, args).redirectError(err.toFile()).start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "reprise " + String.join(" ", args) + " did not end");
    return new CliRun(process.exitValue(), out, Files.readString(err));
  }

  private static CliRun cli(String token, String... args) throws IOException, InterruptedException {
    return cli(Map.of("REPRISE_TOKEN", token), "", args);
  }

  /** Runs the client with no token at all. */
  private static CliRun anonymous(String... args) throws IOException, InterruptedException {
    return cli(Map.of(), "", args);
  }

  private static Path folder(Map<String, String> files) throws IOException {
    Path folder = Files.createTempDirectory(home, "compendium-");
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(folder.resolve(file.getKey()), file.getValue());
    }
    return folder;
  }

  private static String startedJob(CliRun run) {
    Matcher started = STARTED.matcher(run.out());
    assertTrue(started.find(), run.toString());
    return started.group(1);
  }

  @Test
  void runShowsEveryStepsSuccessAndTheResult() {
    assertEquals(0, helloRun.code(), helloRun.toString());
    for (String step : List.of("validate", "compile", "execute", "cleanup")) {
      // Validate warns that the example's FROM pins no digest in the stack's registry.
      String expected = step.equals("validate") ? "warning" : "success";
      assertTrue(helloRun.out().contains("step " + step + ": " + expected + " ("), step + ": " + helloRun);
    }
    assertTrue(helloRun.out().contains("execute: read 7 rows; wrote results/summary.txt"), helloRun.toString());
    assertTrue(helloRun.out().contains("job " + hello + ": success (exit code 0)"), helloRun.toString());
    assertTrue(helloRun.out().contains("result files:\n  work/results/summary.txt  103 B\n"), helloRun.toString());
    // Not a terminal, NO_COLOR: no escape sequence at all.
    assertFalse(helloRun.out().contains("\u001B"), helloRun.toString());
  }

  @Test
  void aFailingRunExitsOneWithTheStepsText() throws Exception {
    Path archive = home.resolve("fails.zip");
    Files.write(archive, Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\nCMD [\"sh\",\"-c\",\"exit 3\"]\n")));
    CliRun run = cli(submitter, "run", archive.toString());
    assertEquals(1, run.code(), run.toString());
    assertTrue(run.out().contains("step execute: failure"), run.toString());
    assertTrue(run.out().contains(": failure (exit code 3)"), run.toString());
    assertTrue(run.out().contains("exited with code 3"), run.toString());
  }

  @Test
  void runJsonIsTheFinalJobView() throws Exception {
    Path folder = folder(Map.of("Dockerfile", "FROM reprise/busybox\nCMD [\"sh\",\"-c\",\"echo quiet\"]\n"));
    CliRun run = cli(submitter, "run", "--json", folder.toString());
    assertEquals(0, run.code(), run.toString());
    JsonNode view = JSON.readTree(run.bytes());
    assertEquals("success", view.get("status").asText());
    assertEquals("cli-alice", view.get("user").asText());
    // The progress went to stderr, line by line.
    assertTrue(run.err().contains("step execute: success"), run.toString());
  }

  @Test
  void loginStoresATokenOnlyItsOwnerReadsAndWhoamiUsesIt() throws Exception {
    Path config = Files.createTempDirectory(home, "config-");
    Map<String, String> env = Map.of("XDG_CONFIG_HOME", config.toString(), "REPRISE_URL", ApiClient.BASE);
    CliRun login = cli(env, submitter + "\n", "login");
    assertEquals(0, login.code(), login.toString());
    assertTrue(login.out().startsWith("Logged in to " + ApiClient.BASE + " as cli-alice (submitter)"), login.out());
    assertFalse(login.out().contains(submitter) || login.err().contains(submitter), "the token is never printed");
    Path token = config.resolve("reprise/token");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token.getParent())));
    assertEquals(submitter, Files.readString(token).strip());

    // No REPRISE_URL and no token in the environment: both come from the login.
    CliRun whoami = cli(Map.of("XDG_CONFIG_HOME", config.toString(), "REPRISE_URL", ""), "", "whoami", "--json");
    assertEquals(0, whoami.code(), whoami.toString());
    JsonNode me = JSON.readTree(whoami.bytes());
    assertEquals("cli-alice", me.get("user").asText());
    assertEquals("submitter", me.get("role").asText());
    // REPRISE_TOKEN wins over the saved token.
    CliRun override = cli(Map.of("XDG_CONFIG_HOME", config.toString(), "REPRISE_TOKEN", auditor), "", "whoami");
    assertEquals("cli-carol (auditor) at " + ApiClient.BASE + "\n", override.out());

    CliRun wrong = cli(Map.of("XDG_CONFIG_HOME", config.toString()), "rpr_notAToken\n", "login");
    assertEquals(2, wrong.code(), wrong.toString());
    assertEquals("reprise: the bearer token is not valid\n", wrong.err().lines().findFirst().orElse("") + "\n");
    assertEquals(submitter, Files.readString(token).strip(), "a refused token is not saved");

    assertEquals(0, cli(Map.of("XDG_CONFIG_HOME", config.toString()), "", "logout").code());
    assertFalse(Files.exists(token));
  }

  @Test
  void aServerThatIsNotThereExitsTwo() throws Exception {
    CliRun run = cli(Map.of("REPRISE_TOKEN", submitter, "REPRISE_URL", "http://127.0.0.1:9"), "", "jobs");
    assertEquals(2, run.code(), run.toString());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith("reprise: cannot reach http://127.0.0.1:9: "), run.err());
    assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
  }

  @Test
  void errorAnswersShowTheServersTextAndExitTwo() throws Exception {
    ApiClient alice = ApiClient.withToken(submitter);
    // 404: a job that does not exist; the message is the server's, word for word.
    HttpResponse<String> missing = alice.exchange(HttpRequest.newBuilder(URI.create(ApiClient.BASE
        + "/api/v1/job/zzzzzzzzzzzz")).GET().build());
    assertEquals(404, missing.statusCode());
    CliRun show = cli(submitter, "show", "zzzzzzzzzzzz");
    assertEquals(2, show.code(), show.toString());
    assertEquals("reprise: " + JSON.readTree(missing.body()).get("error").asText() + "\n", show.err());
    // 403: a submitter may not read audits.
    HttpResponse<String> denied = alice.exchange(HttpRequest.newBuilder(URI.create(ApiClient.BASE
        + "/api/v1/audit/aaaaaaaaaaaa")).GET().build());
    assertEquals(403, denied.statusCode());
    CliRun audit = cli(submitter, "audit", "show", "aaaaaaaaaaaa");
    assertEquals(2, audit.code(), audit.toString());
    assertEquals("reprise: " + JSON.readTree(denied.body()).get("error").asText() + "\n", audit.err());
    // 401: no token at all.
    CliRun anonymous = anonymous("jobs");
    assertEquals(2, anonymous.code(), anonymous.toString());
    assertTrue(anonymous.err().contains("reprise login"), anonymous.err());
  }

  @Test
  void jobsShowFilesAndGetReadTheJob() throws Exception {
    CliRun jobs = cli(submitter, "jobs", "--limit", "100");
    assertEquals(0, jobs.code(), jobs.toString());
    assertTrue(jobs.out().startsWith("ID  "), jobs.out());
    assertTrue(jobs.out().lines().anyMatch(line -> line.startsWith(hello + "  success  cli-alice  ")), jobs.out());
    JsonNode page = JSON.readTree(cli(submitter, "jobs", "--json", "--status", "success").bytes());
    List<String> ids = new ArrayList<>();
    page.get("results").forEach(item -> ids.add(item.get("id").asText()));
    assertTrue(ids.contains(hello), page.toPrettyString());
    page.get("results").forEach(item -> assertEquals("success", item.get("status").asText()));

    CliRun show = cli(submitter, "show", hello);
    assertEquals(0, show.code(), show.toString());
    assertTrue(show.out().matches("(?s).*\\nexecute +success +\\d{4}-.*"), show.out());
    assertTrue(show.out().contains("read 7 rows; wrote results/summary.txt"), show.out());
    assertEquals(hello, JSON.readTree(cli(submitter, "show", hello, "--json").bytes()).get("id").asText());

    CliRun files = cli(submitter, "files", hello);
    assertTrue(files.out().contains("work/\n") && files.out().contains("    summary.txt  (103 B)\n"), files.out());
    assertEquals("directory", JSON.readTree(cli(submitter, "files", "--json", hello).bytes()).get("type")
        .asText());

    HttpResponse<byte[]> api = HttpClient.newHttpClient().send(ApiClient.withToken(submitter).authorized(
        HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + hello + "/data/work/results/summary.txt"))
            .GET().build()), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, api.statusCode());
    CliRun get = cli(submitter, "get", hello, "work/results/summary.txt");
    assertEquals(0, get.code(), get.toString());
    assertArrayEquals(api.body(), get.bytes());
    Path saved = home.resolve("summary.txt");
    assertEquals(0, cli(submitter, "get", hello, "work/results/summary.txt", "-o", saved.toString()).code());
    assertArrayEquals(api.body(), Files.readAllBytes(saved));

    CliRun logs = cli(submitter, "logs", hello);
    assertEquals(0, logs.code(), logs.toString());
    assertTrue(logs.out().contains("read 7 rows"), logs.out());
  }

  @Test
  void logsFollowShowsLinesWhileTheJobRunsAndCancelEndsIt() throws Exception {
    Path folder = folder(Map.of("Dockerfile", "FROM reprise/busybox\n"
        + "CMD [\"sh\",\"-c\",\"echo tick 1; echo tick 2; sleep 600\"]\n"));
    CliRun detached = cli(submitter, "run", "--detach", folder.toString());
    assertEquals(0, detached.code(), detached.toString());
    String job = detached.out().strip();
    assertTrue(job.matches("[a-z0-9]{12}"), detached.toString());

    Path err = Files.createTempFile(home, "follow-", ".txt");
    Process follow = process(Map.of("REPRISE_TOKEN", submitter), "logs", "-f", job).redirectError(err.toFile())
        .start();
    List<String> seen = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(follow.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null && !line.equals("execute: tick 2")) {
        seen.add(line);
      }
      assertEquals("execute: tick 2", line, "the stream ended before the program's lines: " + seen + " "
          + Files.readString(err));
      // The line arrived while the program still sleeps: the job runs.
      assertEquals("running", new ApiClient().view(job).get("status").asText());
      assertTrue(seen.contains("execute: tick 1"), seen.toString());

      CliRun cancel = cli(submitter, "cancel", job);
      assertEquals(0, cancel.code(), cancel.toString());
      assertEquals("job " + job + ": cancelling\n", cancel.out());

      // The stream ends with the job.
      List<String> rest = new ArrayList<>();
      while ((line = lines.readLine()) != null) {
        rest.add(line);
      }
      assertTrue(follow.waitFor(2, TimeUnit.MINUTES));
      assertEquals(0, follow.exitValue(), Files.readString(err));
      assertTrue(rest.get(rest.size() - 1).startsWith("-- job: "), rest.toString());
      assertFalse(rest.get(rest.size() - 1).endsWith("running"), rest.toString());
    } finally {
      follow.destroy();
      // A failed case must not leave its program sleeping on the shared workers: cancel it (409 once it ended).
      new ApiClient().exchange(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + job + "/cancel"))
          .POST(HttpRequest.BodyPublishers.noBody()).build());
    }
    CliRun again = cli(submitter, "cancel", job);
    assertEquals(2, again.code(), again.toString());
    assertTrue(again.err().startsWith("reprise: "), again.err());
  }

  @Test
  void rerunWatchedThenCompareReproduces() throws Exception {
    CliRun rerun = cli(submitter, "rerun", hello, "--watch");
    assertEquals(0, rerun.code(), rerun.toString());
    Matcher again = Pattern.compile("job ([a-z0-9]{12}) re-runs " + hello).matcher(rerun.out());
    assertTrue(again.find(), rerun.toString());
    CliRun compare = cli(submitter, "compare", hello, again.group(1));
    assertEquals(0, compare.code(), compare.toString());
    assertTrue(compare.out().contains("results/summary.txt  identical"), compare.out());
    assertTrue(compare.out().endsWith("reproduced: 1 identical\n"), compare.out());
  }

  @Test
  void compareOfARandomOutputExitsOneWithTheDiff() throws Exception {
    Path folder = folder(Map.of("Dockerfile", "FROM reprise/busybox\nCOPY run.sh /run.sh\nCMD [\"sh\", \"/run.sh\"]\n",
        "run.sh", "mkdir -p results\nhead -c 8 /dev/urandom | od -An -tx1 > results/random.txt\n"));
    String first = startedJob(cli(submitter, "run", folder.toString()));
    CliRun rerun = cli(submitter, "rerun", first, "--watch", "--json");
    assertEquals(0, rerun.code(), rerun.toString());
    String second = JSON.readTree(rerun.bytes()).get("id").asText();
    CliRun compare = cli(auditor, "compare", first, second);
    assertEquals(1, compare.code(), compare.toString());
    assertTrue(compare.out().contains("results/random.txt  different"), compare.out());
    assertTrue(compare.out().contains("\n@@ -1,2 +1,2 @@\n- "), compare.out());
    assertTrue(compare.out().contains("\n+ "), compare.out());
    JsonNode json = JSON.readTree(cli(auditor, "compare", "--json", first, second).bytes());
    assertFalse(json.get("reproduced").asBoolean());
  }

  @Test
  void anAuditStartedAndWatchedReadsTheRate() throws Exception {
    CliRun audit = cli(auditor, "audit", "start", "--job", hello, "--watch");
    assertEquals(0, audit.code(), audit.toString());
    assertTrue(audit.out().contains("[##############################]  1/1 ended"), audit.out());
    assertTrue(audit.out().contains("rate: 100% (1/1 reproduced); 95% interval 21% to 100%"), audit.out());
    assertTrue(audit.out().lines().anyMatch(line -> line.startsWith(hello + "  ") && line.contains("reproduced")),
        audit.out());
    Matcher id = Pattern.compile("audit ([a-z0-9]{12}): 1 jobs").matcher(audit.out());
    assertTrue(id.find(), audit.out());
    JsonNode shown = JSON.readTree(cli(auditor, "audit", "show", id.group(1), "--json").bytes());
    assertEquals(1.0, shown.get("reproducibility_rate").asDouble());
  }

  @Test
  void everyCommandHasHelp() throws Exception {
    for (String command : List.of("", "login", "logout", "whoami", "run", "jobs", "show", "logs", "files", "get",
        "cancel", "rerun", "compare", "audit", "audit start", "audit show", "completion")) {
      List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
      args.add("--help");
      CliRun help = anonymous(args.toArray(String[]::new));
      assertEquals(0, help.code(), command + ": " + help);
      assertTrue(help.out().startsWith("Usage: reprise" + (command.isEmpty() ? "" : " " + command)), help.out());
    }
    CliRun usage = anonymous("jobs", "--no-such-option");
    assertEquals(2, usage.code(), usage.toString());
  }

  @Test
  void completionIsABashScriptThatBashLoads() throws Exception {
    CliRun completion = anonymous("completion");
    assertEquals(0, completion.code(), completion.toString());
    assertTrue(completion.out().startsWith("#!/usr/bin/env bash"), completion.out());
    Path script = home.resolve("completion.bash");
    Files.write(script, completion.bytes());
    Process bash = new ProcessBuilder("bash", "-c", "source \"$0\" && complete -p reprise", script.toString())
        .redirectErrorStream(true).start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(bash.waitFor(1, TimeUnit.MINUTES));
    assertEquals(0, bash.exitValue(), out);
    assertTrue(out.startsWith("complete ") && out.contains(" -F _complete_reprise reprise"), out);
  }
}
