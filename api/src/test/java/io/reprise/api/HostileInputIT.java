package io.reprise.api;

import static io.reprise.api.HostileArchives.FENCE;
import static io.reprise.api.HostileArchives.Tar;
import static io.reprise.api.HostileArchives.files;
import static io.reprise.api.HostileArchives.program;
import static io.reprise.api.HostileArchives.tarGz;
import static io.reprise.api.HostileArchives.zip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The hostile-input corpus: archives, requests, Dockerfiles and programs that attack each boundary of Reprise, on
 * the real stack. Every case names what it attacks and the truthful answer: a 4xx with {@code {"error"}} that names
 * the problem, or a job that ends with the step and text that say what happened. After every case the service is
 * healthy and a job stored before the corpus is byte-identical. Adding a case is one entry in {@link #CASES}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = ApiClient.BASE + "/api/v1";

  // ------------------------------------------------------------------------------------------- the shape of a case

  /** What the attacker sends. */
  sealed interface Attack permits Upload, Raw, Run {}

  /** An upload of these bytes as the multipart field 'compendium'. */
  record Upload(byte[] archive) implements Attack {}

  /** A request written byte for byte on a socket, so that nothing cleans it up on the way. */
  record Raw(String request) implements Attack {}

  /** A compendium that is accepted and run as a job. */
  record Run(byte[] archive) implements Attack {}

  /** What a job case checks beyond its status and step text. */
  interface JobCheck {
    void check(String jobId, JsonNode view) throws Exception;
  }

  /**
   * @param status the HTTP status of a refused upload or request; 0 for a job
   * @param error a phrase the error must contain (case-insensitive), or the step text of a job
   * @param jobStatus for a job: success or failure
   * @param step for a job: the step whose text is checked
   */
  record Case(String name, Attack attack, int status, String error, String jobStatus, String step, JobCheck more) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case upload(String name, byte[] archive, int status, String error) {
    return new Case(name, new Upload(archive), status, error, null, null, null);
  }

  private static Case request(String name, String rawRequest, int status, String error) {
    return new Case(name, new Raw(rawRequest), status, error, null, null, null);
  }

  private static Case get(String name, String pathAndQuery, int status, String error) {
    return request(name, "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", status,
        error);
  }

  private static Case post(String name, String path, String contentType, String body, int status, String error) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return request(name, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: "
        + contentType + "\r\nContent-Length: " + bytes.length + "\r\n\r\n" + body, status, error);
  }

  private static Case job(String name, Map<String, String> files, String jobStatus, String step, String text) {
    return job(name, files, jobStatus, step, text, null);
  }

  private static Case job(String name, Map<String, String> files, String jobStatus, String step, String text,
      JobCheck more) {
    return new Case(name, new Run(zip(files)), 0, text, jobStatus, step, more);
  }

  // ------------------------------------------------------------------------------------------------------ the cases

  private static final String CANARY = "canary\n";
  // Content no job has made before this run: a forgery aimed at it shows in the job that makes it next.
  private final String victim = "victim " + java.util.UUID.randomUUID();

  private final List<Case> cases = List.of(
      // Archives that are no compendium, or not what they claim.
      upload("an empty zip", zip(Map.of()), 400, "no files"),
      upload("an empty tar.gz", tarGz(new Tar[0]), 400, "no files"),
      upload("a gzip of plain text", HostileArchives.gzip("just some text\n".repeat(50)), 400, "tar"),
      upload("a truncated zip", HostileArchives.truncated(zip(program("echo hi\n", "data.csv", "x,y\n".repeat(2000)))),
          400, "truncated or corrupt"),
      upload("a truncated tar.gz", HostileArchives.truncated(tarGz(program("echo hi\n", "data.csv",
          "x,y\n".repeat(5000)))), 400, "truncated or corrupt"),
      upload("plain text", "Dockerfile\nFROM x\n".getBytes(StandardCharsets.UTF_8), 415, "zip or tar.gz"),
      upload("a compendium without a Dockerfile", zip(files("run.sh", "echo hi\n")), 400, "Dockerfile"),
      // Archives that try to leave their folder.
      upload("a zip entry that climbs out with ..", zip(files("Dockerfile", FENCE, "../../escape", "x")), 400,
          "outside"),
      upload("a zip entry with an absolute path", zip(files("Dockerfile", FENCE, "/etc/cron.d/x", "x")), 400,
          "absolute"),
      upload("a zip entry that climbs out with backslashes", zip(files("Dockerfile", FENCE, "..\\..\\escape", "x")),
          400, "outside"),
      upload("a zip symlink to the host's passwd", HostileArchives.zipWithLink(files("Dockerfile", FENCE), "p",
          "/etc/passwd"), 400, "absolute"),
      upload("a zip symlink that climbs out", HostileArchives.zipWithLink(files("Dockerfile", FENCE), "p",
          "../../../../etc/passwd"), 400, "outside"),
      upload("a zip symlink whose target is 20 MB", HostileArchives.zipWithLink(files("Dockerfile", FENCE), "l",
          "a".repeat(20_000_000)), 400, "link"),
      upload("a tar name with a backslash", tarGz(Tar.file("Dockerfile", FENCE), Tar.file("h\\passwd", "x")), 400,
          "backslash"),
      upload("a tar link that leads nowhere", tarGz(Tar.file("Dockerfile", FENCE), Tar.symlink("l", "missing")), 400,
          "leads to nothing"),
      upload("a tar symlink to the host's root", tarGz(Tar.file("Dockerfile", FENCE), Tar.symlink("root", "/")), 400,
          "absolute"),
      upload("a tar chain of links that leads out only once all exist", tarGz(Tar.file("Dockerfile", FENCE),
          Tar.symlink("a/b", ".."), Tar.symlink("c", "a/b/.."), Tar.symlink("d", "c/..")), 400, "outside"),
      upload("a tar hard link to the host's passwd", tarGz(Tar.file("Dockerfile", FENCE),
          Tar.hardlink("p", "/etc/passwd")), 400, "absolute"),
      upload("a tar hard link through a symlink", tarGz(Tar.file("Dockerfile", FENCE), Tar.symlink("s", "."),
          Tar.file("real", "x"), Tar.hardlink("h", "s/real")), 400, "link"),
      upload("a tar file written through a symlink", tarGz(Tar.file("Dockerfile", FENCE), Tar.symlink("s", "sub"),
          Tar.file("sub/x", "y"), Tar.file("s/z", "planted")), 400, "appears twice"),
      upload("a tar fifo", tarGz(Tar.file("Dockerfile", FENCE), Tar.fifo("pipe")), 400, "fifo"),
      upload("a tar character device", tarGz(Tar.file("Dockerfile", FENCE), Tar.charDevice("null")), 400,
          "device"),
      upload("an entry named twice", tarGz(Tar.file("Dockerfile", FENCE), Tar.file("Dockerfile", "FROM x\n")), 400,
          "twice"),
      upload("an entry with a control character", zip(files("Dockerfile", FENCE, "bad\u0007name", "x")), 400,
          "control character"),
      upload("an entry name of 2,000 characters", zip(files("Dockerfile", FENCE, "n/".repeat(1000) + "f", "x")),
          400, "longer than"),
      upload("a compression bomb", HostileArchives.zipBomb(300), 400, "times its own size"),
      upload("20,001 entries", HostileArchives.manyEntries(20_001), 400, "entries"),
      // Dockerfiles that reach past the build's fence.
      upload("ADD from the host's network", zip(files("Dockerfile",
          "FROM reprise/busybox\nADD http://127.0.0.1:18080/api/v1/health /h\n")), 400, "from the network"),
      upload("FROM another job's image", zip(files("Dockerfile", "FROM reprise/job-abcdefabcdef\n")), 400,
          "job"),
      upload("FROM another job's image through an ARG", zip(files("Dockerfile",
          "ARG B=reprise/job-abcdefabcdef\nFROM $B\n")), 400, "job"),
      upload("COPY --from another job's image", zip(files("Dockerfile",
          "FROM reprise/busybox\nCOPY --from=reprise/job-abcdefabcdef /work /stolen\n")), 400, "--from"),
      upload("FROM an image that is not here", zip(files("Dockerfile", "FROM python:3.12\n")), 400, "available"),
      upload("a Dockerfile with an unknown instruction", zip(files("Dockerfile", "FROM reprise/busybox\nEXPLODE now\n")),
          400, "unknown instruction"),
      // reprise.yml that is not what it should be.
      upload("reprise.yml that is not YAML", zip(program("true\n", "reprise.yml", "command: [unclosed\n")), 400,
          "YAML"),
      upload("reprise.yml with an unknown key", zip(program("true\n", "reprise.yml", "privileged: true\n")), 400,
          "unknown key"),
      upload("reprise.yml with a memory of 25 digits", zip(program("true\n", "reprise.yml",
          "memory: 9999999999999999999999999g\n")), 400, "memory"),
      upload("reprise.yml with outputs outside the compendium", zip(program("true\n", "reprise.yml",
          "outputs: [\"../../etc/**\"]\n")), 400, "inside the compendium"),
      upload("reprise.yml with an output that is no glob", zip(program("true\n", "reprise.yml",
          "outputs: [\"[\"]\n")), 400, "not a glob"),
      // Requests that are malformed on purpose.
      get("a path with bad percent-encoding", "/api/v1/job/%zz", 400, ""),
      request("a header of 20 KB", "GET /api/v1/job HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20_000)
          + "\r\nConnection: close\r\n\r\n", 400, ""),
      request("a request line with a control character", "GET /api/v1/job/\u0001 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Connection: close\r\n\r\n", 400, ""),
      get("a garbage list cursor", "/api/v1/job?cursor=%25%25not-a-cursor", 400, "cursor"),
      get("a base64 list cursor of random bytes", "/api/v1/job?cursor=QUJDREVGR0hJSktMTU5PUA", 400, "cursor"),
      get("a negative limit", "/api/v1/job?limit=-1", 400, "limit"),
      get("a limit of 25 digits", "/api/v1/job?limit=9999999999999999999999999", 400, "limit"),
      get("a filter that tries to inject a visibility query", "/api/v1/job?compendium_id=x%27%20OR%20%271%27=%271",
          400, "compendium_id"),
      get("a user filter that tries to inject", "/api/v1/job?user=a%27%20OR%20RepriseSubmitter!=%27", 400, "user"),
      get("a job id of 5,000 characters", "/api/v1/job/" + "a".repeat(5000), 404, "no job"),
      get("a job path that climbs out", "/api/v1/job/..%2f..%2fetc%2fpasswd", 400, "path"),
      get("a data path with a dot segment", "/api/v1/job/{canary}/data/./work/canary.txt", 400, "path"),
      get("a data path with an encoded ..", "/api/v1/job/{canary}/data/work/%2e%2e/manifest.json", 400, "path"),
      get("a data path with an empty segment", "/api/v1/job/{canary}/data/work//canary.txt", 400, "path"),
      // ' ..' is a name, not a climb: no file of the job has it, and it never reaches the store as a key.
      get("a data path with a ' ..' part", "/api/v1/job/{canary}/data/work/%20../manifest.json", 404, "no file"),
      request("a Range header that is no range", "GET /api/v1/job/{canary}/data/work/canary.txt HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nRange: bytes=abc\r\nConnection: close\r\n\r\n", 400, "Range"),
      request("a Range past the end of the file", "GET /api/v1/job/{canary}/data/work/canary.txt HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nRange: bytes=999999999999-\r\nConnection: close\r\n\r\n", 416, "range"),
      get("a comparison with a job that does not exist", "/api/v1/job/{canary}/compare/zzzzzzzzzzzz", 404, "zzzz"),
      request("an Idempotency-Key of 300 characters", "POST /api/v1/job HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nIdempotency-Key: " + "k".repeat(300)
          + "\r\nContent-Length: 26\r\nConnection: close\r\n\r\ncompendium_id=aaaaaaaaaaaa", 400, "Idempotency-Key"),
      post("a job started with a broken JSON body", "/api/v1/job", "application/json", "{\"compendium_id\": ", 400,
          "JSON"),
      post("a job started with a JSON array", "/api/v1/job", "application/json", "[1, 2, 3]", 400, "JSON"),
      post("a job started with 10,000 nested arrays", "/api/v1/job", "application/json", "[".repeat(10_000), 400,
          "JSON"),
      post("a job started with XML", "/api/v1/job", "application/xml", "<job/>", 415, ""),
      post("an audit of 1,001 jobs", "/api/v1/audit", "application/json", "{\"job_ids\": [" + String.join(",",
          java.util.stream.IntStream.range(0, 1001).mapToObj(i -> String.format("\"a%011d\"", i)).toList()) + "]}",
          400, "1000"),
      post("an audit with a parallelism of 1,000", "/api/v1/audit", "application/json",
          "{\"job_ids\": [\"aaaaaaaaaaaa\"], \"parallelism\": 1000}", 400, "parallelism"),
      // Programs that attack the worker, the store and the API from inside the fence.
      job("a link and a backslash name to read a host file", program("ln -s /etc h\necho decoy > 'h\\passwd'\n"),
          "success", "cleanup", "a backslash in a name", (id, view) -> assertFalse(
              fileNames(view).contains("work/h/passwd"), "the host's passwd is no output")),
      job("a forged blob: a link makes other bytes pass for a later job's output",
          program("mkdir evil\necho forged > evil/x\nln -s evil h\necho '" + victim + "' > 'h\\x'\n"),
          "success", "cleanup", "a backslash in a name", this::aLaterJobGetsItsOwnBytes),
      job("one line of 20 MB with no newline", program("head -c 20000000 /dev/zero | tr '\\0' a\n"), "success",
          "execute", "more characters]", (id, view) -> assertTrue(
              view.get("steps").get("execute").get("text").asText().length() <= 4100)),
      job("a log of 12 MB against a 4 MB log limit", program(
          "i=0; while [ $i -lt 12000 ]; do head -c 1023 /dev/zero | tr '\\0' x; echo; i=$((i+1)); done\n"),
          "success", "execute", "exited with code 0", HostileInputIT::logsAreBoundedAndServed),
      job("a program that fills its disk", program("dd if=/dev/zero of=/work/fill bs=1048576 count=500\n"),
          "failure", "execute", "disk limit reached"),
      job("a sparse file of 8 GiB", program("dd if=/dev/null of=sparse bs=1048576 seek=8192\necho made\n"),
          "success", "cleanup", "bytes a job may store"),
      job("a program that makes 200,000 empty files", program(
          "i=0; while [ $i -lt 200000 ]; do : > f$i || exit 3; i=$((i+1)); done\n", "reprise.yml", "timeout: 60s\n"),
          "failure", "execute", "No space left on device"),
      job("a thousand processes at once", program("i=0; while [ $i -lt 1000 ]; do sleep 60 & i=$((i+1)); done\n"
          + "echo asked for 1000\n"), "failure", "execute", "can't fork"),
      job("a program that asks for all the memory", program("head -c 2000000000 /dev/zero | tail > /dev/null\n"),
          "failure", "execute", "out of memory"),
      job("a program that calls the API over the host's loopback", program(
          "if wget -q -T 3 -O - http://127.0.0.1:18080/api/v1/health; then echo reached; else echo unreachable; fi\n"),
          "success", "execute", "unreachable"),
      job("an output named with a control character", program("echo x > \"$(printf 'bad\\001name')\"\n"), "success",
          "cleanup", "control character"),
      job("an output path of 4,000 characters", program(
          "p=.; i=0; while [ $i -lt 16 ]; do p=$p/$(printf '%0240d' 0); i=$((i+1)); done; mkdir -p $p; echo x > $p/f\n"),
          "success", "cleanup", "longer than", (id, view) -> JSON.readTree(JSON.writeValueAsString(view))),
      job("a fifo in the working directory", program("mkfifo pipe\necho done\n"), "success", "cleanup", "fifo"),
      job("a link to the host's passwd as an output", program("ln -s /etc/passwd passwd\n"), "success", "cleanup", "",
          (id, view) -> assertFalse(fileNames(view).contains("work/passwd"))),
      job("an HTML output with a script", program("echo '<script>alert(document.cookie)</script>' > index.html\n"
          + "echo '<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>' > x.svg\n"), "success", "execute",
          "exited with code 0", HostileInputIT::activeContentIsNotServedInline),
      job("a program that rewrites reprise.yml to ignore everything", program(
          "head -c 16 /dev/urandom | od -x > random.txt\nprintf 'ignore: [\"**\"]\\n' > reprise.yml\n",
          "reprise.yml", "outputs: [\"**\"]\n"), "success", "execute", "exited with code 0",
          this::rewrittenSettingsDoNotForgeTheVerdict),
      job("a log full of escape sequences and NUL bytes", program(
          "printf '\\033[2J\\000\\377\\376 end\\n'; printf '<script>x</script>\\n'\n"), "success", "execute",
          "exited with code 0", HostileInputIT::logsAreBoundedAndServed),
      job("a build that starts 3,000 processes", files("Dockerfile", "FROM reprise/busybox\nRUN i=0; while [ $i -lt 3000 ];"
          + " do sleep 60 & i=$((i+1)); done; echo asked for 3000\nCMD [\"true\"]\n"), "failure", "compile",
          "can't fork"),
      job("a build that prints 30 MB", files("Dockerfile",
          "FROM reprise/busybox\nRUN head -c 30000000 /dev/zero | tr '\\0' 'b' | fold -w 100\nCMD [\"true\"]\n"),
          "success", "compile", "", HostileInputIT::logsAreBoundedAndServed));

  // ------------------------------------------------------------------------------------------------ how they run

  private final ApiClient api = new ApiClient();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, String> jobsByCase = new HashMap<>();
  private String canaryJob;
  private byte[] canaryBytes;
  private byte[] canaryManifest;

  /** A job stored before any attack, and every program case started at once so they run side by side. */
  @BeforeAll
  void storeTheCanaryAndStartTheJobs() throws Exception {
    canaryJob = api.run(zip(program("echo '" + CANARY.trim() + "' > canary.txt\n")));
    assertEquals("success", api.awaitEnd(canaryJob).get("status").asText());
    canaryBytes = bytes("/job/" + canaryJob + "/data/work/canary.txt");
    canaryManifest = bytes("/job/" + canaryJob + "/data/manifest.json");
    for (Case c : cases) {
      if (c.attack() instanceof Run run) {
        jobsByCase.put(c.name(), api.run(run.archive()));
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> everyAttackGetsTheTruthfulAnswerAndHarmsNothing() {
    assertTrue(cases.size() >= 60, "the corpus holds " + cases.size() + " cases");
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      if (c.attack() instanceof Upload upload) {
        refused(c, api.upload(upload.archive(), c.status()));
      } else if (c.attack() instanceof Raw raw) {
        refused(c, raw(raw.request().replace("{canary}", canaryJob), c.status()));
      } else {
        ended(c, jobsByCase.get(c.name()));
      }
      stillHealthyAndTheCanaryIsIntact();
    }));
  }

  private static void refused(Case c, JsonNode body) {
    assertTrue(body.has("error"), c.name() + ": " + body);
    String error = body.get("error").asText();
    assertTrue(error.toLowerCase(Locale.ROOT).contains(c.error().toLowerCase(Locale.ROOT)),
        c.name() + ": '" + error + "' should name '" + c.error() + "'");
    assertFalse(error.contains("Exception") || error.contains("\tat ") || error.contains("/tmp/")
        || error.contains(".state"), c.name() + " leaks: " + error);
  }

  private void ended(Case c, String jobId) throws Exception {
    JsonNode view = api.awaitEnd(jobId);
    if (c.jobStatus() != null) {
      assertEquals(c.jobStatus(), view.get("status").asText(), c.name() + ": " + view.toPrettyString());
    }
    JsonNode step = view.get("steps").get(c.step());
    assertTrue(step.get("text").asText().contains(c.error()), c.name() + ": " + c.step() + " says "
        + step.get("text").asText());
    assertEquals("success", view.get("steps").get("cleanup").get("status").asText(), "cleanup always runs");
    String exception = view.path("exception").toString();
    assertFalse(exception.contains("\tat ") || exception.contains("stack") || exception.contains("/tmp/"),
        "no stack or server path reaches a client: " + exception);
    if (c.more() != null) {
      c.more().check(jobId, view);
    }
  }

  private void stillHealthyAndTheCanaryIsIntact() throws Exception {
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(API + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode(), health.body());
    assertArrayEquals(canaryBytes, bytes("/job/" + canaryJob + "/data/work/canary.txt"));
    assertArrayEquals(canaryManifest, bytes("/job/" + canaryJob + "/data/manifest.json"));
  }

  // ------------------------------------------------------------------------------------------------ extra checks

  private static List<String> fileNames(JsonNode view) {
    List<String> paths = new ArrayList<>();
    collect(view.get("files"), paths);
    return paths;
  }

  private static void collect(JsonNode node, List<String> paths) {
    if (node == null) {
      return;
    }
    if ("file".equals(node.path("type").asText())) {
      paths.add(node.get("path").asText());
    }
    node.path("children").forEach(child -> collect(child, paths));
  }

  private void aLaterJobGetsItsOwnBytes(String jobId, JsonNode view) throws Exception {
    String later = api.run(zip(program("echo '" + victim + "' > out.txt\n")));
    assertEquals("success", api.awaitEnd(later).get("status").asText());
    assertEquals(victim + "\n", api.data(later, "work/out.txt"));
  }

  private static void logsAreBoundedAndServed(String jobId, JsonNode view) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    ApiClient api = new ApiClient();
    HttpResponse<InputStream> logs = client.send(api.authorized(HttpRequest.newBuilder(URI.create(API + "/job/"
        + jobId + "/logs")).build()), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, logs.statusCode());
    long size;
    try (InputStream in = logs.body()) {
      size = in.transferTo(OutputStream.nullOutputStream());
    }
    assertTrue(size < 40L << 20, "logs of " + size + " bytes");
    HttpResponse<String> all = api.exchange(HttpRequest.newBuilder(URI.create(API + "/job/" + jobId
        + "?steps=all")).build());
    assertEquals(200, all.statusCode());
    JsonNode steps = JSON.readTree(all.body()).get("steps");
    steps.forEach(step -> assertTrue(step.get("text").asText().length() <= 70_000,
        "a step text of " + step.get("text").asText().length()));
  }

  private static void activeContentIsNotServedInline(String jobId, JsonNode view) throws Exception {
    ApiClient api = new ApiClient();
    for (String file : List.of("work/index.html", "work/x.svg")) {
      HttpResponse<String> response = api.exchange(HttpRequest.newBuilder(URI.create(API + "/job/" + jobId
          + "/data/" + file)).build());
      assertEquals(200, response.statusCode());
      assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""));
      assertTrue(response.headers().firstValue("Content-Security-Policy").orElse("").contains("sandbox"));
      String type = response.headers().firstValue("Content-Type").orElse("");
      String disposition = response.headers().firstValue("Content-Disposition").orElse("");
      assertTrue(disposition.startsWith("attachment") || type.startsWith("text/plain"),
          file + " served as " + type + " " + disposition);
    }
  }

  private void rewrittenSettingsDoNotForgeTheVerdict(String jobId, JsonNode view) throws Exception {
    String rerun = api.send(HttpRequest.newBuilder(URI.create(API + "/job/" + jobId + "/rerun"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), 201).get("job_id").asText();
    api.awaitEnd(rerun);
    JsonNode comparison = api.send(HttpRequest.newBuilder(URI.create(API + "/job/" + jobId + "/compare/" + rerun))
        .build(), 200);
    assertFalse(comparison.get("reproduced").asBoolean(), comparison.toPrettyString());
    assertEquals(List.of(), JSON.convertValue(comparison.get("ignore"), List.class));
  }

  // ------------------------------------------------------------------------------------------------ plumbing

  private byte[] bytes(String path) throws Exception {
    HttpResponse<byte[]> response = http.send(api.authorized(HttpRequest.newBuilder(URI.create(API + path))
        .build()), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode(), path);
    return response.body();
  }

  /** Sends the request as it is and reads the answer until the server closes; answers the body as JSON. */
  private static JsonNode raw(String request, int expectedStatus) throws IOException {
    URI base = URI.create(ApiClient.BASE);
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      // The operator's token after the request line, so the request reaches the route it attacks.
      String authorized = request.replaceFirst("\r\n", "\r\nAuthorization: Bearer "
          + java.util.regex.Matcher.quoteReplacement(ApiClient.token("it", "operator")) + "\r\n");
      socket.getOutputStream().write(authorized.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(answer);
      String text = answer.toString(StandardCharsets.UTF_8);
      int headEnd = text.indexOf("\r\n\r\n");
      assertTrue(headEnd > 0, "no HTTP answer: " + text);
      String head = text.substring(0, headEnd);
      String body = text.substring(headEnd + 4);
      int status = Integer.parseInt(head.split(" ")[1]);
      assertEquals(expectedStatus, status, head + "\n\n" + body);
      assertTrue(head.toLowerCase(Locale.ROOT).contains("content-type: application/json"), head + "\n\n" + body);
      if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
        body = dechunk(body);
      }
      return JSON.readTree(body);
    }
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < chunked.length()) {
      int lineEnd = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, lineEnd).trim().split(";")[0], 16);
      if (size == 0) {
        break;
      }
      out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
    return out.toString();
  }
}
