package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.Compendia;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Job views on the real stack do not each ask Temporal (README "Reads"): once a job has ended and been read, forty
 * readers at once are all served from what the API keeps, as its metric reprise_job_view_reads_total shows, with
 * the same answer; another submitter still gets 404 for the job, and its owner 200.
 */
class JobReadsIT {

  private static final String FENCE = "FROM reprise/busybox\nCOPY run.sh /run.sh\nCMD [\"sh\", \"/run.sh\"]\n";
  private static final int READERS = 40;

  private final ApiClient operator = new ApiClient();

  /** The API's counter of job view reads from that source; 0 before the first. */
  private double reads(String source) throws Exception {
    HttpResponse<String> scrape = operator.exchange(HttpRequest.newBuilder(
        URI.create(ApiClient.BASE + "/actuator/prometheus")).timeout(Duration.ofSeconds(10)).GET().build());
    assertEquals(200, scrape.statusCode(), scrape.body());
    String start = "reprise_job_view_reads_total{";
    return scrape.body().lines().filter(line -> line.startsWith(start) && line.contains("source=\"" + source + "\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void anEndedJobIsReadFromTemporalOnceHoweverManyReadItAtOnce() throws Exception {
    ApiClient owner = ApiClient.as("reads-owner", "submitter");
    ApiClient other = ApiClient.as("reads-other", "submitter");
    String job = owner.runOwn(Compendia.zip(Map.of("Dockerfile", FENCE, "run.sh", "echo read me > out.txt\n")));
    assertEquals("success", owner.awaitEnd(job).get("status").asText());
    // The first read after the end is the one that asks Temporal, if the wait's last read was not already it.
    String expected = operator.exchange(viewOf(job)).body();

    double fromTemporal = reads("temporal");
    double fromCache = reads("cache");
    ExecutorService pool = Executors.newFixedThreadPool(READERS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        Callable<HttpResponse<String>> read = () -> {
          start.await();
          return operator.exchange(viewOf(job));
        };
        answers.add(pool.submit(read));
      }
      start.countDown();
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(expected, response.body());
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(fromTemporal, reads("temporal"), "no read of the ended job asked Temporal");
    assertTrue(reads("cache") >= fromCache + READERS, "every read was served from what the API keeps");
    // What is kept changes nothing of who may see it.
    assertEquals(404, other.exchange(viewOf(job)).statusCode());
    assertEquals(200, owner.exchange(viewOf(job)).statusCode());
  }

  @Test
  void aViewThatWaitsAnswersOnceTheJobHasEndedAndOnlyToWhoMaySeeIt() throws Exception {
    ApiClient owner = ApiClient.as("reads-waiter", "submitter");
    ApiClient other = ApiClient.as("reads-other", "submitter");
    String job = owner.runOwn(Compendia.zip(Map.of("Dockerfile", FENCE, "run.sh", "sleep 3; echo waited > out.txt\n")));
    // Another submitter may not see the job: 404 as for an unknown id, and no wait.
    assertEquals(404, other.exchange(waitFor(job, "30")).statusCode());
    for (String bad : new String[] {"61", "abc", "-1", "1.5", "999"}) {
      HttpResponse<String> refused = owner.exchange(waitFor(job, bad));
      assertEquals(400, refused.statusCode(), bad + ": " + refused.body());
      assertTrue(refused.body().contains("wait takes a number of seconds"), refused.body());
    }
    HttpResponse<String> answer = owner.exchange(waitFor(job, "60s"));
    assertEquals(200, answer.statusCode(), answer.body());
    com.fasterxml.jackson.databind.JsonNode view = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(answer.body());
    assertEquals("success", view.get("status").asText(), "the wait answered before the end: " + view);
    assertTrue(view.hasNonNull("finished"), view.toString());
  }

  private static HttpRequest waitFor(String job, String seconds) {
    return HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + job + "?wait=" + seconds))
        .timeout(Duration.ofSeconds(90)).GET().build();
  }

  private static HttpRequest viewOf(String job) {
    return HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job/" + job)).timeout(Duration.ofSeconds(30))
        .GET().build();
  }
}
