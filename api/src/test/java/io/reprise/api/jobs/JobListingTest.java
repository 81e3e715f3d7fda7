package io.reprise.api.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.reprise.api.web.ApiException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The list parameters, each accepted and refused as documented, without a server. */
class JobListingTest {

  private static JobListing.Query query(String compendiumIds, String status, String user) {
    return new JobListing.Query(null, null, null, compendiumIds, status, user, null);
  }

  private static String refused(Runnable call) {
    ApiException e = assertThrows(ApiException.class, call::run);
    assertEquals(HttpStatus.BAD_REQUEST, e.status());
    return e.getMessage();
  }

  @Test
  void limitDefaultsToAHundredAndStaysWithinOneToAThousand() {
    assertEquals(100, JobListing.limit(null));
    assertEquals(100, JobListing.limit(" "));
    assertEquals(1000, JobListing.limit("1000"));
    assertEquals(7, JobListing.limit(" 7 "));
    assertTrue(refused(() -> JobListing.limit("0")).contains("between 1 and 1000"));
    assertTrue(refused(() -> JobListing.limit("1001")).contains("between 1 and 1000"));
    assertTrue(refused(() -> JobListing.limit("ten")).contains("whole number"));
  }

  @Test
  void fieldsTolerateSpacesAndEmptyItemsAndRefuseUnknownOnes() {
    assertEquals(List.of(), JobListing.fields(null));
    assertEquals(List.of(), JobListing.fields(""));
    assertEquals(List.of("status", "created"), JobListing.fields(" status, ,created,,status "));
    assertEquals(List.of("user", "compendium_id"), JobListing.fields("user,compendium_id"));
    assertTrue(refused(() -> JobListing.fields("status,colour")).contains("unknown field 'colour'"));
  }

  @Test
  void filtersBecomeOneVisibilityQuery() {
    assertEquals("WorkflowType = 'JobWorkflow'", JobListing.visibilityQuery(query(null, null, null)));
    assertEquals("WorkflowType = 'JobWorkflow' AND RepriseCompendiumId IN ('aaaaaaaaaaaa', 'bbbbbbbbbbbb')"
            + " AND RepriseStatus = 'success' AND RepriseSubmitter = 'ada@lab'",
        JobListing.visibilityQuery(query("aaaaaaaaaaaa, bbbbbbbbbbbb,", "success", "ada@lab")));
  }

  @Test
  void filterValuesOutsideTheirAlphabetAreRefusedBeforeAnyQuery() {
    assertTrue(refused(() -> JobListing.visibilityQuery(query(null, "done", null))).contains("status"));
    assertTrue(refused(() -> JobListing.visibilityQuery(query("x' OR 1=1", null, null))).contains("compendium_id"));
    assertTrue(refused(() -> JobListing.visibilityQuery(query(null, null, "o'brien"))).contains("user"));
  }

  @Test
  void cursorsRoundTripAndForeignOnesAreRefused() {
    JobListing.Cursor cursor = new JobListing.Cursor(
        new JobListing.Key(Instant.parse("2026-11-29T19:22:50.041400Z"), "clva10t3un7p"), 301);

    JobListing.Cursor back = JobListing.Cursor.decode(cursor.encode());

    assertEquals(cursor, back);
    assertTrue(refused(() -> JobListing.Cursor.decode("%%%")).contains("cursor"));
    assertTrue(refused(() -> JobListing.Cursor.decode("AA")).contains("cursor"));
    String text = cursor.encode();
    // Another start time: a character in the middle changed.
    int at = text.length() / 2;
    String changed = text.substring(0, at) + (text.charAt(at) == 'A' ? 'B' : 'A') + text.substring(at + 1);
    assertTrue(refused(() -> JobListing.Cursor.decode(changed)).contains("cursor"));
  }

  @Test
  void keysSortNewestFirstThenByIdDescending() {
    Instant t = Instant.parse("2026-11-29T19:22:50.041400Z");
    List<JobListing.Key> keys = new java.util.ArrayList<>(List.of(new JobListing.Key(t, "aaaaaaaaaaaa"),
        new JobListing.Key(t.plusNanos(1000), "aaaaaaaaaaab"), new JobListing.Key(t, "bbbbbbbbbbbb"),
        new JobListing.Key(t.minusSeconds(1), "zzzzzzzzzzzz")));

    java.util.Collections.sort(keys);

    assertEquals(List.of("aaaaaaaaaaab", "bbbbbbbbbbbb", "aaaaaaaaaaaa", "zzzzzzzzzzzz"),
        keys.stream().map(JobListing.Key::workflowId).toList());
  }

  @Test
  void randomBase64IsNotACursor() {
    java.util.Random random = new java.util.Random(7);
    for (int length : new int[] {5, 12, 40, 200}) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      String garbage = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      assertTrue(refused(() -> JobListing.Cursor.decode(garbage)).contains("cursor"), garbage);
    }
    assertTrue(refused(() -> JobListing.Cursor.decode("aGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGEgY3Vyc29y"))
        .contains("cursor"));
  }

  /**
   * A visibility store as the dev server's: it applies the StartTime bounds of the query and returns matches in its
   * own order (here a fixed shuffle, standing for running-first-then-by-end-time), page by page, and counts them.
   * Reads are recorded in {@code queries}, counts in {@code counts}.
   */
  private static JobListing listingOver(List<WorkflowExecutionInfo> executions, List<String> queries) {
    return listingOver(executions, queries, new ArrayList<>());
  }

  private static List<WorkflowExecutionInfo> matching(List<WorkflowExecutionInfo> executions, String query) {
    Pattern bound = Pattern.compile("StartTime (<=|>=|<) '([^']+)'");
    List<String> operators = new ArrayList<>();
    List<Instant> bounds = new ArrayList<>();
    Matcher m = bound.matcher(query);
    while (m.find()) {
      operators.add(m.group(1));
      bounds.add(Instant.parse(m.group(2)));
    }
    List<WorkflowExecutionInfo> matches = new ArrayList<>();
    for (WorkflowExecutionInfo info : executions) {
      Instant start = JobListing.Key.of(info).startTime();
      boolean keep = true;
      for (int i = 0; i < bounds.size(); i++) {
        int order = start.compareTo(bounds.get(i));
        keep &= switch (operators.get(i)) {
          case "<=" -> order <= 0;
          case "<" -> order < 0;
          default -> order >= 0;
        };
      }
      if (keep) {
        matches.add(info);
      }
    }
    return matches;
  }

  private static JobListing listingOver(List<WorkflowExecutionInfo> executions, List<String> queries,
      List<String> counts) {
    return listingOver(executions, queries, counts, () -> { });
  }

  private static JobListing listingOver(List<WorkflowExecutionInfo> executions, List<String> queries,
      List<String> counts, Runnable afterCount) {
    WorkflowClient temporal = mock(WorkflowClient.class);
    when(temporal.getOptions()).thenReturn(WorkflowClientOptions.newBuilder().setNamespace("reprise").build());
    WorkflowServiceStubs stubs = mock(WorkflowServiceStubs.class);
    WorkflowServiceGrpc.WorkflowServiceBlockingStub blocking =
        mock(WorkflowServiceGrpc.WorkflowServiceBlockingStub.class);
    when(temporal.getWorkflowServiceStubs()).thenReturn(stubs);
    when(stubs.blockingStub()).thenReturn(blocking);
    when(blocking.countWorkflowExecutions(any())).thenAnswer(invocation -> {
      CountWorkflowExecutionsRequest request = invocation.getArgument(0);
      counts.add(request.getQuery());
      long count = matching(executions, request.getQuery()).size();
      afterCount.run();
      return CountWorkflowExecutionsResponse.newBuilder().setCount(count).build();
    });
    when(blocking.listWorkflowExecutions(any())).thenAnswer(invocation -> {
      ListWorkflowExecutionsRequest request = invocation.getArgument(0);
      queries.add(request.getQuery());
      List<WorkflowExecutionInfo> matches = matching(executions, request.getQuery());
      int from = request.getNextPageToken().isEmpty() ? 0 : Integer.parseInt(request.getNextPageToken().toStringUtf8());
      int to = Math.min(matches.size(), from + request.getPageSize());
      return ListWorkflowExecutionsResponse.newBuilder().addAllExecutions(matches.subList(from, to))
          .setNextPageToken(to < matches.size() ? ByteString.copyFromUtf8(Integer.toString(to)) : ByteString.EMPTY)
          .build();
    });
    return new JobListing(temporal);
  }

  private static String id(int i) {
    return String.format("job%09d", i);
  }

  /** Jobs 0 to count - 1, job i started at start(i), in an order shuffled by the seed (none when it is 0). */
  private static List<WorkflowExecutionInfo> jobs(int count, java.util.function.IntFunction<Instant> start,
      long seed) {
    List<WorkflowExecutionInfo> executions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      executions.add(execution(id(i), start.apply(i)));
    }
    if (seed != 0) {
      Collections.shuffle(executions, new Random(seed));
    }
    return executions;
  }

  private static WorkflowExecutionInfo execution(String id, Instant start) {
    return WorkflowExecutionInfo.newBuilder().setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
        .setStartTime(Timestamp.newBuilder().setSeconds(start.getEpochSecond()).setNanos(start.getNano())).build();
  }

  @Test
  void followingNextVisitsEveryJobOnceNewestFirstWhateverOrderVisibilityReturns() {
    // 600 jobs, three to a microsecond (ties are broken by id), in an order that has nothing to do with creation,
    // so that windows are too wide at first and get narrowed.
    Instant base = Instant.parse("2026-11-29T19:00:00Z");
    List<WorkflowExecutionInfo> executions = jobs(600, i -> base.plusNanos((i / 3) * 1000L), 11);
    List<String> queries = new ArrayList<>();
    JobListing listing = listingOver(executions, queries);

    List<String> seen = new ArrayList<>();
    JobListing.Page page = listing.list(new JobListing.Query("7", null, null, null, null, null, null));
    seen.addAll(page.results().stream().map(Object::toString).toList());
    int pages = 1;
    while (page.next() != null) {
      String cursor = page.next().replaceAll(".*cursor=([^&]+).*", "$1");
      page = listing.list(new JobListing.Query("7", null, cursor, null, null, null, null));
      seen.addAll(page.results().stream().map(Object::toString).toList());
      pages++;
    }

    List<String> expected = new ArrayList<>();
    for (int i = 599; i >= 0; i--) {
      // Within a microsecond the higher id comes first, and the later microsecond before both.
      expected.add(id(i));
    }
    assertEquals(expected, seen);
    assertEquals(86, pages);
    // o2r's start lands on the same jobs as the cursors.
    assertEquals(expected.subList(400, 407), listing.list(new JobListing.Query("7", "401", null, null, null, null,
        null)).results());
    // Each page stays bounded: a handful of reads, not a walk over all 600.
    queries.clear();
    listing.list(new JobListing.Query("7", null, null, null, null, null, null));
    assertTrue(queries.size() <= 6, queries.size() + " reads for one page: " + queries);
  }

  /** Follows next links from the first page; the ids in the order seen, and the reads each page took. */
  private static List<String> follow(JobListing listing, String limit, List<String> queries, List<Integer> reads) {
    List<String> seen = new ArrayList<>();
    queries.clear();
    JobListing.Page page = listing.list(new JobListing.Query(limit, null, null, null, null, null, null));
    reads.add(queries.size());
    seen.addAll(page.results().stream().map(Object::toString).toList());
    while (page.next() != null) {
      String cursor = page.next().replaceAll(".*cursor=([^&]+).*", "$1");
      queries.clear();
      page = listing.list(new JobListing.Query(limit, null, cursor, null, null, null, null));
      reads.add(queries.size());
      seen.addAll(page.results().stream().map(Object::toString).toList());
    }
    return seen;
  }

  private static List<String> newestFirst(int count) {
    List<String> expected = new ArrayList<>();
    for (int i = count - 1; i >= 0; i--) {
      expected.add(id(i));
    }
    return expected;
  }

  @Test
  void pagesAfterTheFirstReadOnlyTheirWindowOnceWhileJobsArriveAtAnEvenRate() {
    // One job a second, returned in an order unrelated to creation: the previous page's reach guesses each window,
    // a count or two checks the guess, and the window is read once.
    Instant base = Instant.parse("2026-11-29T19:00:00Z");
    List<WorkflowExecutionInfo> executions = jobs(1000, i -> base.plusSeconds(i), 5);
    List<String> queries = new ArrayList<>();
    List<String> counts = new ArrayList<>();
    JobListing listing = listingOver(executions, queries, counts);

    List<Integer> reads = new ArrayList<>();
    assertEquals(newestFirst(1000), follow(listing, "100", queries, reads));

    // The first page samples (here several reads: the fake's order is far from creation order, so the window is
    // narrowed a few times); every later one reads one window.
    assertEquals(10, reads.size(), reads.toString());
    assertTrue(reads.get(0) <= 6, reads.toString());
    assertTrue(reads.subList(1, 10).stream().allMatch(r -> r == 1), reads.toString());
    assertTrue(counts.size() <= 9 * 3, counts.size() + " counts");
    // A second first page of the same listing is guessed from the first one's: one read, of about a page.
    queries.clear();
    counts.clear();
    listing.list(new JobListing.Query("100", null, null, null, null, null, null));
    assertEquals(1, queries.size(), queries.toString());
    assertTrue(matching(executions, queries.get(0)).size() <= 160, queries.get(0));
  }

  @Test
  void jobsCreatedBetweenTheCountAndTheReadPushNoJobOffTheFirstPage() {
    // New jobs are running, and Temporal returns running jobs first: a read that stopped at the count's number
    // would miss the oldest jobs of the window, and the next link would pass them by for good.
    Instant base = Instant.parse("2026-11-29T19:00:00Z");
    List<WorkflowExecutionInfo> executions = jobs(300, i -> base.plusSeconds(i), 9);
    int[] created = {300};
    boolean[] arriving = {false};
    JobListing listing = listingOver(executions, new ArrayList<>(), new ArrayList<>(), () -> {
      for (int n = 0; arriving[0] && n < 5; n++, created[0]++) {
        executions.add(0, execution(id(created[0]), base.plusSeconds(created[0])));
      }
    });
    listing.list(new JobListing.Query("100", null, null, null, null, null, null));
    arriving[0] = true;

    JobListing.Page page = listing.list(new JobListing.Query("100", null, null, null, null, null, null));
    arriving[0] = false;

    List<String> all = newestFirst(created[0]);
    List<Object> results = page.results();
    // The page is 100 consecutive jobs of the list as it is now: none of the older ones skipped.
    int first = all.indexOf((String) results.get(0));
    assertEquals(all.subList(first, first + 100), results);
  }

  @Test
  void aWrongGuessCostsReadsButNeverAJob() {
    // Bursts: 50 jobs within a millisecond, then an hour of nothing, five times over. A page's reach says little
    // about the next page's, so guesses hold far too few jobs or far too many, and are stretched or shrunk.
    Instant base = Instant.parse("2026-11-29T10:00:00Z");
    List<WorkflowExecutionInfo> executions =
        jobs(250, i -> base.plusSeconds(3600L * (i / 50)).plusNanos(i * 1000L), 3);
    List<String> queries = new ArrayList<>();
    JobListing listing = listingOver(executions, queries);

    for (String limit : List.of("7", "30", "64")) {
      for (int pass = 0; pass < 2; pass++) {
        List<Integer> reads = new ArrayList<>();
        assertEquals(newestFirst(250), follow(listing, limit, queries, reads), "limit " + limit);
        assertTrue(reads.stream().allMatch(r -> r <= 6), reads.toString());
      }
    }
  }

  @Test
  void aMadeUpCursorWithAnEndlessReachIsReadAsACenturyNotAnError() {
    Instant base = Instant.parse("2026-11-29T19:00:00Z");
    List<WorkflowExecutionInfo> executions = jobs(30, i -> base.plusSeconds(i), 0);
    JobListing listing = listingOver(executions, new ArrayList<>());
    // The check is not a secret: anyone can make a cursor with any reach.
    String cursor = new JobListing.Cursor(new JobListing.Key(base.plusSeconds(20), "job000000020"), 11,
        Duration.ofNanos(Long.MAX_VALUE)).encode();

    JobListing.Page page = listing.list(new JobListing.Query("5", null, cursor, null, null, null, null));

    assertEquals(newestFirst(30).subList(10, 15), page.results());
  }

  @Test
  void cursorsMadeBeforeReachesWereRecordedAreStillRead() {
    // A version-2 cursor (no reach), as clients following a next link across an upgrade hold it.
    JobListing.Cursor old = new JobListing.Cursor(
        new JobListing.Key(Instant.parse("2026-11-29T19:22:50.041400Z"), "clva10t3un7p"), 301);
    JobListing.Cursor withReach = new JobListing.Cursor(old.after(), 301, Duration.ofSeconds(90));

    assertEquals(old, JobListing.Cursor.decode(old.encode()));
    assertEquals(withReach, JobListing.Cursor.decode(withReach.encode()));
    assertTrue(old.encode().length() < withReach.encode().length());
  }

  @Test
  void statusFilterCountsAWorkflowEndedFromOutsideAsAFailure() {
    // A terminated or timed-out job's RepriseStatus stays 'running': its execution status decides (issue 11).
    String running = JobListing.visibilityQuery(query(null, "running", null));
    assertTrue(running.endsWith("RepriseStatus = 'running' AND ExecutionStatus = 'Running'"), running);
    String failure = JobListing.visibilityQuery(query(null, "failure", null));
    assertTrue(failure.contains("(RepriseStatus = 'failure' OR (RepriseStatus = 'running' AND ExecutionStatus IN "
        + "('Terminated', 'TimedOut', 'Canceled', 'Failed')))"), failure);
    assertEquals("failure", JobListing.status("running", io.temporal.api.workflow.v1.WorkflowExecutionInfo.newBuilder()
        .setStatus(io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED).build()));
    assertEquals("running", JobListing.status("running", io.temporal.api.workflow.v1.WorkflowExecutionInfo.newBuilder()
        .setStatus(io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING).build()));
  }
}
