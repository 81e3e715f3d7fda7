package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.reprise.activities.Compendia;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web dashboard in a real browser: Debian's Chromium, headless, driven through its ChromeDriver with Selenium,
 * against the real API and workers of the test instance. Each test signs in as a user of its own role, does what a
 * person would (upload the example, watch the timeline, open a result, follow a log, cancel, compare, audit) and
 * reads the page, never the API, for its verdict; the API is used only to set the scene. Every page is saved as a
 * screenshot under target/screenshots (the README shows them).
 */
class DashboardIT {

  private static final Path SHOTS = Path.of("target", "screenshots");
  private static WebDriver browser;
  private static String successJob;

  private final ApiClient operator = new ApiClient();

  @BeforeAll
  static void startBrowser() throws IOException {
    Files.createDirectories(SHOTS);
    browser = Browsers.chromium();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @BeforeEach
  void freshPage() {
    browser.manage().window().setSize(new Dimension(1280, 800));
    browser.get(ApiClient.BASE + "/");
    ((JavascriptExecutor) browser).executeScript("sessionStorage.clear(); localStorage.clear();");
  }

  @AfterEach
  void signOut() {
    ((JavascriptExecutor) browser).executeScript("sessionStorage.clear(); localStorage.clear();");
  }

  private WebDriverWait waitUpTo(Duration limit) {
    return new WebDriverWait(browser, limit, Duration.ofMillis(200));
  }

  private void signIn(String user, String role) {
    browser.get(ApiClient.BASE + "/");
    WebElement token = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(By.id("token")));
    token.sendKeys(ApiClient.token(user, role));
    token.sendKeys(Keys.ENTER);
    waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("[data-user='" + user + "']")));
  }

  private void open(String hash) {
    browser.get(ApiClient.BASE + "/#" + hash);
  }

  /** Saves the whole page, as tall as it is (at most 2,400 px), at the window's width. */
  private void shot(String name) throws IOException {
    Dimension window = browser.manage().window().getSize();
    Long height = (Long) ((JavascriptExecutor) browser).executeScript(
        "window.scrollTo(0, 0); return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new Dimension(window.getWidth(), (int) Math.min(2400, Math.max(height + 140,
        window.getHeight()))));
    try {
      Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    } finally {
      browser.manage().window().setSize(window);
    }
  }

  private String statusOf(String selector) {
    return browser.findElement(By.cssSelector(selector)).getAttribute("data-status");
  }

  private void awaitStatus(String selector, String status, Duration limit) {
    waitUpTo(limit).until(driver -> {
      List<WebElement> found = driver.findElements(By.cssSelector(selector));
      return !found.isEmpty() && status.equals(found.get(0).getAttribute("data-status"));
    });
  }

  /** The example job, run once through the page for the tests that need a finished job. */
  private synchronized String successJob() throws IOException, InterruptedException {
    if (successJob == null) {
      ApiClient alice = ApiClient.as("dash-alice", "submitter");
      successJob = alice.runOwn(Compendia.helloAnalysis());
      assertEquals("success", alice.awaitEnd(successJob).get("status").asText());
    }
    return successJob;
  }

  @Test
  void aWrongTokenIsRefusedOnThePageAndARightOneSignsIn() throws IOException {
    browser.get(ApiClient.BASE + "/");
    WebElement token = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(By.id("token")));
    shot("sign-in");
    token.sendKeys("rpr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    token.sendKeys(Keys.ENTER);
    WebElement error = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(
        By.id("signin-error")));
    assertTrue(error.getText().contains("the bearer token is not valid"), error.getText());
    assertTrue(browser.findElements(By.cssSelector("header.top")).isEmpty(), "no page behind a wrong token");

    // Keyboard only: the field keeps focus; select what is in it, type the right token, press Enter.
    WebElement field = browser.findElement(By.id("token"));
    field.sendKeys(Keys.chord(Keys.CONTROL, "a"), ApiClient.token("dash-alice", "submitter"), Keys.ENTER);
    waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("[data-user='dash-alice']")));
    // A tab signed in with the default keeps the token for the tab only.
    Object local = ((JavascriptExecutor) browser).executeScript("return localStorage.getItem('reprise.token')");
    assertEquals(null, local);
  }

  @Test
  void uploadingTheExampleRunsItToSuccessOnTheTimelineAndItsResultOpens() throws Exception {
    signIn("dash-alice", "submitter");
    open("/run");
    Path zip = Files.createTempFile("hello-analysis", ".zip");
    Files.write(zip, Compendia.helloAnalysis());
    WebElement archive = waitUpTo(Duration.ofSeconds(10)).until(
        ExpectedConditions.presenceOfElementLocated(By.id("archive")));
    archive.sendKeys(zip.toAbsolutePath().toString());
    shot("run");
    browser.findElement(By.cssSelector("form.run button[type=submit]")).click();
    waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlMatches("#/job/[a-z0-9]+$"));
    String jobId = browser.getCurrentUrl().replaceAll(".*#/job/", "");

    awaitStatus("#job-title .status", "success", Duration.ofMinutes(4));
    for (String step : List.of("validate", "compile", "execute", "cleanup")) {
      WebElement row = browser.findElement(By.cssSelector("li.step[data-step='" + step + "']"));
      // Validate warns that the example's FROM pins no digest in the stack's registry.
      String expected = step.equals("validate") ? "warning" : "success";
      assertEquals(expected, row.getAttribute("data-status"), step);
      // Status by label as well as colour: the word is in the row, and the bar's label says it.
      assertTrue(row.findElement(By.cssSelector(".status")).getText().contains(expected), step);
      assertTrue(row.findElement(By.cssSelector(".track")).getAttribute("aria-label").contains(expected), step);
      assertFalse(row.findElements(By.cssSelector(".bar")).isEmpty(), step + " has a bar on the time axis");
    }

    WebElement file = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(
        By.cssSelector("button[data-path='work/results/summary.txt']")));
    file.click();
    WebElement preview = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector(".preview pre.preview-text")));
    String expected = operator.data(jobId, "work/results/summary.txt");
    waitUpTo(Duration.ofSeconds(10)).until(driver -> !preview.getText().isBlank());
    assertEquals(expected.strip(), preview.getText().strip());
    // The ended job's log: each step's stored tail under its header.
    WebElement log = browser.findElement(By.cssSelector("pre.log"));
    waitUpTo(Duration.ofSeconds(20)).until(driver -> log.getText().contains("== execute: success =="));
    assertTrue(log.getText().contains("read 7 rows"), log.getText());
    browser.findElement(By.cssSelector("details.panel summary")).click();
    shot("job");

    // The CSV input previews as a table; its folder opens from the keyboard.
    WebElement folder = browser.findElement(By.xpath("//summary[normalize-space()='data/']"));
    folder.sendKeys(Keys.ENTER);
    waitUpTo(Duration.ofSeconds(5)).until(ExpectedConditions.elementToBeClickable(
        By.cssSelector("button[data-path='work/data/measurements.csv']"))).sendKeys(Keys.ENTER);
    WebElement table = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector(".preview table.csv")));
    assertTrue(table.findElements(By.cssSelector("tbody tr")).size() >= 7, table.getText());
  }

  @Test
  void aFolderIsPackedByThePageAndRuns() throws Exception {
    signIn("dash-alice", "submitter");
    open("/run");
    // Chromium takes a folder path for a folder input, as when a person picks the folder.
    Path folder = Path.of(System.getProperty("reprise.root", "..")).resolve("examples/hello-analysis")
        .toAbsolutePath().normalize();
    waitUpTo(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.name("folder")))
        .sendKeys(folder.toString());
    WebElement chosen = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector(".chosen-file")));
    assertTrue(chosen.getText().contains("hello-analysis.tar.gz"), chosen.getText());
    assertTrue(chosen.getText().contains("3 files"), chosen.getText());
    browser.findElement(By.cssSelector("form.run button[type=submit]")).click();
    waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlMatches("#/job/[a-z0-9]+$"));
    String jobId = browser.getCurrentUrl().replaceAll(".*#/job/", "");
    awaitStatus("#job-title .status", "success", Duration.ofMinutes(4));
    JsonNode view = operator.view(jobId);
    assertTrue(view.get("steps").get("validate").get("text").asText().startsWith("unpacked tar.gz archive: 3 files"),
        view.get("steps").get("validate").get("text").asText());
    assertEquals(operator.data(jobId, "work/results/summary.txt"), operator.data(successJob(),
        "work/results/summary.txt"), "the packed folder computes what the zip does");
  }

  @Test
  void aComparisonThatDidNotReproduceShowsEachLineOfTheDiffWithItsSign() throws Exception {
    ApiClient alice = ApiClient.as("dash-alice", "submitter");
    String first = alice.runOwn(Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\nCMD [\"sh\", \"-c\", "
        + "\"mkdir -p results && echo stable > results/same.txt && cat /proc/sys/kernel/random/uuid "
        + "> results/random.txt\"]\n")));
    assertEquals("success", alice.awaitEnd(first).get("status").asText());
    String second = alice.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + first + "/rerun"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), 201).get("job_id").asText();
    assertEquals("success", alice.awaitEnd(second).get("status").asText());
    signIn("dash-alice", "submitter");
    open("/compare/" + first + "/" + second);
    WebElement verdict = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("p.verdict")));
    assertEquals("not_reproduced", verdict.getAttribute("data-verdict"));
    assertTrue(verdict.getText().contains("not reproduced"), verdict.getText());
    assertEquals("identical", browser.findElement(By.cssSelector("tr[data-path='results/same.txt'] .status"))
        .getAttribute("data-status"));
    assertEquals("different", browser.findElement(By.cssSelector("tr[data-path='results/random.txt'] .status"))
        .getAttribute("data-status"));
    List<WebElement> removed = browser.findElements(By.cssSelector("pre.diff .line.del"));
    List<WebElement> added = browser.findElements(By.cssSelector("pre.diff .line.add"));
    assertEquals(1, removed.size());
    assertEquals(1, added.size());
    assertTrue(removed.get(0).getText().startsWith("-"), "the sign stays: " + removed.get(0).getText());
    assertTrue(added.get(0).getText().startsWith("+"), "the sign stays: " + added.get(0).getText());
    shot("compare");
  }

  @Test
  void anUploadThatFailsTheChecksIsExplainedNextToTheFile() throws Exception {
    signIn("dash-alice", "submitter");
    open("/run");
    Path zip = Files.createTempFile("no-dockerfile", ".zip");
    Files.write(zip, Compendia.zip(Map.of("analysis.py", "print(1)\n")));
    waitUpTo(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("archive")))
        .sendKeys(zip.toAbsolutePath().toString());
    browser.findElement(By.cssSelector("form.run button[type=submit]")).click();
    WebElement error = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(
        By.id("upload-error")));
    assertTrue(error.getText().contains("Dockerfile"), error.getText());
    assertEquals("upload-error", browser.findElement(By.id("archive")).getAttribute("aria-describedby"));
    assertTrue(browser.getCurrentUrl().endsWith("#/run"), "stays on the form: " + browser.getCurrentUrl());
    shot("run-error");
  }

  @Test
  void aRunningJobsLogIsFollowedLiveAndTheJobIsCancelledFromThePage() throws Exception {
    ApiClient alice = ApiClient.as("dash-alice", "submitter");
    // A program that prints a numbered line a second for two minutes: lines must show while it runs.
    String jobId = alice.runOwn(Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\n"
        + "CMD [\"sh\", \"-c\", \"i=0; while [ $i -lt 120 ]; do i=$((i+1)); echo tick-$i; sleep 1; done\"]\n")));
    signIn("dash-alice", "submitter");
    open("/job/" + jobId);
    WebElement log = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("pre.log")));
    waitUpTo(Duration.ofMinutes(3)).until(driver -> log.getText().contains("tick-3"));
    assertEquals("running", statusOf("#job-title .status"), "the log arrived while the job ran");
    assertEquals("following", browser.findElement(By.cssSelector(".log-state")).getAttribute("data-state"));
    assertEquals("running", statusOf("li.step[data-step='execute']"));
    shot("job-running");

    // Its files are not stored yet: no zip of a running job.
    assertEquals(409, alice.exchange(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + jobId
        + "/archive")).build()).statusCode());

    // Cancel asks first; the second click cancels.
    browser.findElement(By.xpath("//button[normalize-space()='Cancel job']")).click();
    WebElement really = waitUpTo(Duration.ofSeconds(5)).until(ExpectedConditions.elementToBeClickable(
        By.xpath("//button[starts-with(normalize-space(), 'Really cancel?')]")));
    assertEquals("running", alice.view(jobId).get("status").asText(), "one click cancels nothing");
    really.click();
    awaitStatus("#job-title .status", "failure", Duration.ofMinutes(2));
    WebElement execute = browser.findElement(By.cssSelector("li.step[data-step='execute']"));
    assertTrue(execute.getText().contains("cancelled"), execute.getText());
    assertEquals("dash-alice", alice.view(jobId).get("cancelled_by").asText());
  }

  /** The API's count of open log streams, from its metrics. */
  private int openLogStreams() throws Exception {
    HttpResponse<String> metrics = operator.exchange(HttpRequest.newBuilder(URI.create(ApiClient.BASE
        + "/actuator/prometheus")).build());
    assertEquals(200, metrics.statusCode());
    return metrics.body().lines().filter(line -> line.startsWith("reprise_log_followers "))
        .mapToInt(line -> (int) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim())).findFirst()
        .orElseThrow(() -> new AssertionError("no reprise_log_followers in the API's metrics"));
  }

  /** Waits until the API counts that many open log streams (a metrics read that fails counts as not yet). */
  private void awaitOpenLogStreams(int count, Duration limit) {
    waitUpTo(limit).until(driver -> {
      try {
        return openLogStreams() == count;
      } catch (Exception e) {
        return false;
      }
    });
  }

  @Test
  void leavingAQuietRunningJobsPageClosesItsLogStreamOnTheServer() throws Exception {
    ApiClient alice = ApiClient.as("dash-alice", "submitter");
    // A program that prints nothing for two minutes: the stream sends nothing that would find the client gone.
    String jobId = alice.runOwn(Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\n"
        + "CMD [\"sleep\", \"120\"]\n")));
    alice.awaitView(jobId, view -> "running".equals(view.get("steps").get("execute").get("status").asText()),
        Duration.ofMinutes(3), "execute running");
    int before = openLogStreams();
    signIn("dash-alice", "submitter");
    open("/job/" + jobId);
    waitUpTo(Duration.ofSeconds(20)).until(driver -> "following".equals(driver.findElement(
        By.cssSelector(".log-state")).getAttribute("data-state")));
    awaitOpenLogStreams(before + 1, Duration.ofSeconds(20));
    open("/jobs");
    // The page aborted its stream; the server notices at its next keep-alive (15 s) and stops reading the job.
    awaitOpenLogStreams(before, Duration.ofSeconds(40));
    assertEquals("running", alice.view(jobId).get("status").asText(), "the job still runs");
    alice.cancel(jobId, 202);
  }

  @Test
  void theFiltersKeepWhatIsTypedWhileTheListRefreshes() throws Exception {
    signIn("dash-carol", "auditor");
    open("/jobs");
    waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("[data-loads]")));
    browser.findElement(By.name("user")).sendKeys("dash-bob");
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.name("status"))).selectByValue("failure");
    int loads = Integer.parseInt(browser.findElement(By.cssSelector("[data-loads]")).getAttribute("data-loads"));
    // The first page refreshes every 3 s: wait for two more loads, then read the fields.
    waitUpTo(Duration.ofSeconds(20)).until(driver -> Integer.parseInt(driver.findElement(
        By.cssSelector("[data-loads]")).getAttribute("data-loads")) >= loads + 2);
    assertEquals("dash-bob", browser.findElement(By.name("user")).getAttribute("value"));
    assertEquals("failure", browser.findElement(By.name("status")).getAttribute("value"));
    browser.findElement(By.name("user")).sendKeys(Keys.ENTER);
    waitUpTo(Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("user=dash-bob"));
    assertTrue(browser.getCurrentUrl().contains("status=failure"), browser.getCurrentUrl());

    // A malformed address shows a page, not nothing.
    open("/job/%E0%A4%A");
    WebElement error = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("main .error")));
    assertFalse(error.getText().isBlank());
  }

  @Test
  void theJobListShowsEachJobsStatusSubmitterAndDurationAndFilters() throws Exception {
    String jobId = successJob();
    signIn("dash-alice", "submitter");
    open("/jobs?status=success");
    WebElement row = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("tr[data-job='" + jobId + "']")));
    List<WebElement> cells = row.findElements(By.tagName("td"));
    assertTrue(cells.get(1).getText().contains("success"), cells.get(1).getText());
    assertEquals("dash-alice", cells.get(2).getText());
    assertTrue(cells.get(5).getText().matches("[0-9.]+ s|\\d+ min \\d+ s"), cells.get(5).getText());
    for (WebElement status : browser.findElements(By.cssSelector("table.jobs tbody .status"))) {
      assertEquals("success", status.getAttribute("data-status"));
    }
    // A submitter has no user filter, no Audits page in the menu, and is told so when going there by hand.
    assertTrue(browser.findElements(By.name("user")).isEmpty());
    assertTrue(browser.findElements(By.linkText("Audits")).isEmpty());
    shot("jobs");
    open("/audits");
    WebElement refused = waitUpTo(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("main [role=alert]")));
    assertTrue(refused.getText().contains("may not use"), refused.getText());

    // Everything came from this origin: no CDN, nothing fetched from elsewhere.
    open("/jobs");
    waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.jobs")));
    @SuppressWarnings("unchecked")
    List<String> resources = (List<String>) ((JavascriptExecutor) browser).executeScript(
        "return performance.getEntriesByType('resource').map(e => e.name)");
    assertFalse(resources.isEmpty());
    for (String resource : resources) {
      assertTrue(resource.startsWith(ApiClient.BASE + "/"), resource);
    }

    // A narrow window: the page reflows, nothing but the tables' own scroll boxes is wider than the window.
    browser.manage().window().setSize(new Dimension(420, 860));
    waitUpTo(Duration.ofSeconds(5)).until(driver -> ((Long) ((JavascriptExecutor) driver).executeScript(
        "return window.innerWidth")) < 500);
    Long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
        "return document.documentElement.scrollWidth - window.innerWidth");
    assertTrue(overflow <= 0, "the page is " + overflow + " px wider than the window");
    shot("jobs-narrow");
  }

  @Test
  void aRerunIsComparedFileByFileAndAnAuditReadsItsRate() throws Exception {
    String jobId = successJob();
    signIn("dash-carol", "auditor");
    open("/job/" + jobId);
    WebElement rerun = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(
        By.xpath("//button[normalize-space()='Re-run']")));
    assertTrue(browser.findElements(By.linkText("Run")).isEmpty(), "an auditor uploads nothing");
    rerun.click();
    waitUpTo(Duration.ofSeconds(30)).until(driver -> driver.getCurrentUrl().matches(".*#/job/[a-z0-9]+$")
        && !driver.getCurrentUrl().endsWith(jobId));
    awaitStatus("#job-title .status", "success", Duration.ofMinutes(4));
    browser.findElement(By.linkText("compare with it")).click();
    WebElement verdict = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("p.verdict")));
    assertEquals("reproduced", verdict.getAttribute("data-verdict"));
    WebElement summary = browser.findElement(By.cssSelector("tr[data-path='results/summary.txt'] .status"));
    assertEquals("identical", summary.getAttribute("data-status"));

    open("/audits");
    WebElement ids = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(
        By.name("job_ids")));
    ids.sendKeys(jobId);
    shot("audits");
    browser.findElement(By.cssSelector("form.audit-form button[type=submit]")).click();
    waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlMatches("#/audit/[a-z0-9]+$"));
    WebElement progress = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(
        By.tagName("progress")));
    assertEquals("1", progress.getAttribute("max"), "a progress bar over the audit's one job");
    WebElement rate = waitUpTo(Duration.ofMinutes(4)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector(".rate-value")));
    assertEquals("100%", rate.getText());
    assertEquals("1", rate.getAttribute("data-rate"));
    // One job of one: the Wilson interval says how little that proves.
    assertEquals("\u00B7 95% interval 21% to 100% (Wilson)",
        browser.findElement(By.cssSelector(".rate-interval")).getText());
    WebElement chart = browser.findElement(By.cssSelector("figure.chart svg"));
    assertTrue(chart.getAttribute("aria-label").contains("1 reproduced"), chart.getAttribute("aria-label"));
    WebElement row = browser.findElement(By.cssSelector("tr[data-job='" + jobId + "']"));
    assertTrue(row.getText().contains("reproduced"), row.getText());
    shot("audit");
    // Each audited job links to its comparison.
    row.findElement(By.linkText("compare")).click();
    WebElement audited = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("p.verdict")));
    assertEquals("reproduced", audited.getAttribute("data-verdict"));
  }

  @Test
  void aSubmitterDeletesTheirEndedJobFromItsPageAfterConfirming() throws Exception {
    ApiClient alice = ApiClient.as("dash-alice", "submitter");
    String jobId = alice.runOwn(Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\nCMD [\"true\"]\n")));
    assertEquals("success", alice.awaitEnd(jobId).get("status").asText());
    signIn("dash-alice", "submitter");
    open("/job/" + jobId);
    waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(
        By.xpath("//button[normalize-space()='Delete job']"))).click();
    WebElement really = waitUpTo(Duration.ofSeconds(5)).until(ExpectedConditions.elementToBeClickable(
        By.xpath("//button[starts-with(normalize-space(), 'Really delete?')]")));
    assertEquals(200, alice.exchange(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + jobId))
        .build()).statusCode(), "one click deletes nothing");
    really.click();
    // Deleting a job that ended seconds ago waits for Temporal (about 20 s), then the page goes to the list.
    waitUpTo(Duration.ofSeconds(90)).until(ExpectedConditions.urlContains("#/jobs"));
    assertEquals(404, alice.exchange(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + jobId))
        .build()).statusCode());
  }

  @Test
  void anotherSubmittersJobShowsOnlyTheApisNotFound() throws Exception {
    String jobId = successJob();
    signIn("dash-bob", "submitter");
    open("/job/" + jobId);
    WebElement error = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("main .error")));
    assertTrue(error.getText().contains("no job with id " + jobId), error.getText());
    assertTrue(browser.findElements(By.cssSelector("li.step")).isEmpty(), "no step of another's job");
    open("/jobs");
    waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("table.jobs, p.empty")));
    assertTrue(browser.findElements(By.cssSelector("tr[data-job='" + jobId + "']")).isEmpty());
  }

  @Test
  void theArchiveHoldsEveryStoredFileOfTheJob() throws Exception {
    ApiClient alice = ApiClient.as("dash-alice", "submitter");
    // An empty output next to a full one: the store's ranged read refuses a length of 0.
    String jobId = alice.runOwn(Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\nCMD [\"sh\", \"-c\", "
        + "\"mkdir -p results && : > results/empty.txt && echo measurements: 7 > results/summary.txt\"]\n")));
    assertEquals("success", alice.awaitEnd(jobId).get("status").asText());
    assertEquals("", operator.data(jobId, "work/results/empty.txt"));
    HttpResponse<byte[]> response = HttpClient.newHttpClient().send(alice.authorized(HttpRequest.newBuilder(
        URI.create(ApiClient.BASE + "/api/v1/job/" + jobId + "/archive")).build()),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode());
    assertEquals("application/zip", response.headers().firstValue("Content-Type").orElse(""));
    Map<String, String> entries = new java.util.TreeMap<>();
    try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(
        new java.io.ByteArrayInputStream(response.body()))) {
      for (java.util.zip.ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
        entries.put(entry.getName(), new String(zip.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    assertEquals(operator.data(jobId, "work/results/summary.txt"), entries.get(jobId + "/work/results/summary.txt"));
    assertEquals("", entries.get(jobId + "/work/results/empty.txt"));
    for (String path : List.of("manifest.json", "provenance.json", "logs/execute.log", "work/Dockerfile")) {
      assertTrue(entries.containsKey(jobId + "/" + path), path + " in " + entries.keySet());
    }
    HttpResponse<String> others = HttpClient.newHttpClient().send(ApiClient.as("dash-bob", "submitter")
        .authorized(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + jobId + "/archive"))
        .build()), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, others.statusCode(), "another submitter's job is not there: " + others.body());
  }

  @Test
  void theDashboardsFilesAreServedWithoutATokenAndFencedByAContentSecurityPolicy() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String path : List.of("/", "/ui/app.js", "/webjars/preact/dist/preact.min.umd.js")) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), path);
      String policy = response.headers().firstValue("Content-Security-Policy").orElse("");
      assertTrue(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"), path + ": " + policy);
    }
    HttpResponse<String> options = http.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE
        + "/api/v1/auth/options")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, options.statusCode());
    JsonNode answer = new com.fasterxml.jackson.databind.ObjectMapper().readTree(options.body());
    assertTrue(answer.get("token").asBoolean());
  }
}
