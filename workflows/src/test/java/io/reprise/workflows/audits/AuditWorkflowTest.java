package io.reprise.workflows.audits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.workflows.audits.AuditRequest.AuditTarget;
import io.reprise.workflows.jobs.JobReport;
import io.reprise.workflows.jobs.JobPriority;
import io.reprise.workflows.jobs.JobRequest;
import io.reprise.workflows.jobs.JobSearchAttributes;
import io.reprise.workflows.jobs.JobState;
import io.reprise.workflows.jobs.JobStatus;
import io.reprise.workflows.jobs.JobStorage;
import io.reprise.workflows.jobs.JobWorkflow;
import io.reprise.workflows.jobs.Step;
import io.reprise.workflows.jobs.StepStatus;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.Priority;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit's logic on Temporal's in-memory test server: re-runs are fake child job workflows. */
class AuditWorkflowTest {

  private static final String QUEUE = "audit-workflow-test";

  /** Stands in for JobWorkflow: takes a while, then ends as its compendium says. */
  public static class FakeRerun implements JobWorkflow {
    static final AtomicInteger running = new AtomicInteger();
    static final AtomicInteger mostAtOnce = new AtomicInteger();
    static final Map<String, JobRequest> requests = new ConcurrentHashMap<>();
    static final Map<String, Priority> priorities = new ConcurrentHashMap<>();
    static volatile CompletableFuture<String> started = new CompletableFuture<>();
    static volatile Duration takes = Duration.ofMinutes(5);

    @Override
    public JobState run(JobRequest request) {
      if (!Workflow.isReplaying()) {
        requests.put(request.jobId(), request);
        priorities.put(request.jobId(), Workflow.getInfo().getPriority());
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        started.complete(request.jobId());
      }
      try {
        Workflow.sleep(takes);
      } finally {
        if (!Workflow.isReplaying()) {
          running.decrementAndGet();
        }
      }
      boolean fails = request.compendiumId().startsWith("broken");
      List<Step> steps = List.of(
          new Step("validate", StepStatus.SUCCESS, "t0", "t1", "ok"),
          new Step("compile", StepStatus.SUCCESS, "t1", "t2", "reused"),
          new Step("execute", fails ? StepStatus.FAILURE : StepStatus.SUCCESS, "t2", "t3",
              fails ? "exited with code 1\nTraceback" : "exited with code 0"),
          new Step("cleanup", StepStatus.SUCCESS, "t3", "t4", "stored"));
      return new JobState(request.jobId(), request.compendiumId(), JobStatus.of(steps), steps,
          request.recordedImageId(), null, null, fails ? 1 : 0, new JobReport("t0", "t0", "t4", null, List.of()),
          request.rerunOf(), null, null, new JobStorage(1000, 100, 900),
          JobPriority.of(Workflow.getInfo().getPriority()));
    }

    @Override
    public JobState state() {
      return null;
    }
  }

  /** Compares by name: originals listed as random did not reproduce, those listed as unstored have no manifest. */
  static class FakeComparisons implements AuditActivities {
    final Set<String> random = ConcurrentHashMap.newKeySet();
    final Set<String> unstored = ConcurrentHashMap.newKeySet();
    final Map<String, String> compared = new ConcurrentHashMap<>();

    @Override
    public OutputComparison compareOutputs(String originalJobId, String rerunJobId) {
      compared.put(originalJobId, rerunJobId);
      if (unstored.contains(originalJobId)) {
        throw ApplicationFailure.newNonRetryableFailure("job " + originalJobId + " has no stored outputs",
            NOT_STORED);
      }
      if (random.contains(originalJobId)) {
        return new OutputComparison(false, new TreeMap<>(Map.of("identical", 1, "different", 1)),
            List.of("results/sample.txt (different)"));
      }
      return new OutputComparison(true, Map.of("identical", 2), List.of());
    }
  }

  private TestWorkflowEnvironment env;
  private FakeComparisons comparisons;

  @BeforeEach
  void setUp() {
    FakeRerun.running.set(0);
    FakeRerun.mostAtOnce.set(0);
    FakeRerun.requests.clear();
    FakeRerun.priorities.clear();
    FakeRerun.started = new CompletableFuture<>();
    FakeRerun.takes = Duration.ofMinutes(5);
    env = TestWorkflowEnvironment.newInstance();
    JobSearchAttributes.ALL.forEach(key ->
        env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    comparisons = new FakeComparisons();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(AuditWorkflowImpl.class, FakeRerun.class);
    worker.registerActivitiesImplementations(comparisons);
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private WorkflowStub start(String auditId, List<AuditTarget> targets, int parallelism) {
    return start(auditId, targets, parallelism, null);
  }

  private WorkflowStub start(String auditId, List<AuditTarget> targets, int parallelism, Priority priority) {
    WorkflowOptions.Builder options = WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(auditId);
    if (priority != null) {
      options.setPriority(priority);
    }
    AuditWorkflow audit = env.getWorkflowClient().newWorkflowStub(AuditWorkflow.class, options.build());
    WorkflowClient.start(audit::run, new AuditRequest(auditId, targets, parallelism, false, "auditor"));
    return WorkflowStub.fromTyped(audit);
  }

  private static AuditTarget succeeded(String jobId) {
    return new AuditTarget(jobId, "compendium-" + jobId, "success", "sha256:image-" + jobId);
  }

  /**
   * Waits for the audit's end. Its result holds only the summary; the jobs come from the memo, as the API reads
   * them, in the order asked.
   */
  private AuditReport finish(WorkflowStub audit) {
    AuditReport result = audit.getResult(AuditReport.class);
    assertEquals(List.of(), result.jobs(), "the result holds only the summary");
    Map<String, Payload> memo = memo(audit.getExecution().getWorkflowId());
    List<AuditedJob> jobs = memo.entrySet().stream().filter(entry -> entry.getKey().startsWith("job:"))
        .map(entry -> read(entry.getValue(), AuditedJob.class))
        .sorted(java.util.Comparator.comparingInt(AuditedJob::index)).toList();
    return new AuditReport(result.summary(), jobs);
  }

  private static AuditedJob job(AuditReport report, String jobId) {
    return report.jobs().stream().filter(j -> j.jobId().equals(jobId)).findFirst().orElseThrow();
  }

  /** The memo as the API reads it: the summary and one entry per job, each under its own key. */
  private Map<String, Payload> memo(String auditId) {
    return env.getWorkflowClient().newUntypedWorkflowStub(auditId).describe().getRawDescription()
        .getWorkflowExecutionInfo().getMemo().getFieldsMap();
  }

  private static <T> T read(Payload payload, Class<T> type) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, type, type);
  }

  @Test
  void reRunsInheritTheAuditsPriorityAndFairnessKey() {
    FakeRerun.takes = Duration.ofSeconds(1);
    finish(start("audit-prio", List.of(succeeded("p1"), succeeded("p2")), 2, JobPriority.of(4, "auditor")));

    assertEquals(2, FakeRerun.priorities.size());
    FakeRerun.priorities.values().forEach(priority -> assertEquals(JobPriority.of(4, "auditor"), priority));
  }

  @Test
  void auditOfFiveJobsWithOneNonDeterministicReportsFourOfFive() {
    comparisons.random.add("job3");
    List<AuditTarget> targets = IntStream.rangeClosed(1, 5).mapToObj(i -> succeeded("job" + i)).toList();

    AuditReport report = finish(start("audit-5", targets, 2));

    AuditSummary summary = report.summary();
    assertEquals("done", summary.status());
    assertEquals(5, summary.total());
    assertEquals(5, summary.ended());
    assertEquals(5, summary.audited());
    assertEquals(4, summary.reproduced());
    assertEquals(0.8, summary.reproducibilityRate());
    assertEquals("4/5 reproduced", summary.result());
    assertEquals(Map.of("reproduced", 4, "not_reproduced", 1), summary.verdicts());
    assertEquals(AuditVerdict.NOT_REPRODUCED, job(report, "job3").verdict());
    assertEquals(List.of("results/sample.txt (different)"), job(report, "job3").mismatches());
    assertTrue(job(report, "job3").text().contains("results/sample.txt"), job(report, "job3").text());
    assertEquals(AuditVerdict.REPRODUCED, job(report, "job1").verdict());
    assertEquals(List.of("job1", "job2", "job3", "job4", "job5"), report.jobs().stream().map(AuditedJob::jobId)
        .toList(), "jobs are reported in the order asked");
    assertEquals(5 * 900L, summary.bytesSaved(), "the re-runs' reused bytes add up");
    assertEquals(5 * 100L, summary.newBytes());
  }

  @Test
  void reRunsAreChildJobsOfTheRecordedImageLinkedToTheirOriginal() {
    AuditReport report = finish(start("audit-links", List.of(succeeded("job1"), succeeded("job2")), 2));

    for (AuditedJob audited : report.jobs()) {
      JobRequest request = FakeRerun.requests.get(audited.rerunJobId());
      assertEquals(audited.jobId(), request.rerunOf());
      assertEquals("compendium-" + audited.jobId(), request.compendiumId());
      assertEquals("sha256:image-" + audited.jobId(), request.recordedImageId());
      assertEquals("auditor", request.submitter());
      assertTrue(audited.rerunJobId().matches("[a-z0-9]{12}"), audited.rerunJobId());
      assertEquals(audited.rerunJobId(), comparisons.compared.get(audited.jobId()));
      String parent = env.getWorkflowClient().newUntypedWorkflowStub(audited.rerunJobId()).describe()
          .getRawDescription().getWorkflowExecutionInfo().getParentExecution().getWorkflowId();
      assertEquals("audit-links", parent, "a re-run is a child of its audit");
    }
  }

  @Test
  void noMoreReRunsRunAtOnceThanTheParallelismAllows() {
    List<AuditTarget> targets = IntStream.rangeClosed(1, 7).mapToObj(i -> succeeded("job" + i)).toList();

    finish(start("audit-bounded", targets, 3));

    assertEquals(7, FakeRerun.requests.size());
    assertEquals(3, FakeRerun.mostAtOnce.get());
  }

  @Test
  void failedOriginalsAreSkippedAndFailedReRunsCountAgainstTheRate() {
    comparisons.unstored.add("job4");
    List<AuditTarget> targets = List.of(succeeded("job1"),
        new AuditTarget("job2", "compendium-job2", "failure", null),
        new AuditTarget("job3", "broken-compendium", "success", "sha256:image-job3"),
        succeeded("job4"));

    AuditReport report = finish(start("audit-mixed", targets, 2));

    assertEquals(AuditVerdict.REPRODUCED, job(report, "job1").verdict());
    assertEquals(AuditVerdict.SKIPPED, job(report, "job2").verdict());
    assertNull(job(report, "job2").rerunJobId(), "a job without outputs is not re-run");
    assertTrue(job(report, "job2").text().contains("status is failure"), job(report, "job2").text());
    assertEquals(AuditVerdict.FAILED, job(report, "job3").verdict());
    assertEquals("the re-run failed in execute: exited with code 1", job(report, "job3").text());
    assertEquals(AuditVerdict.SKIPPED, job(report, "job4").verdict());
    assertTrue(job(report, "job4").text().contains("has no stored outputs"), job(report, "job4").text());
    AuditSummary summary = report.summary();
    assertEquals(2, summary.audited(), "reproduced and failed count, skipped do not");
    assertEquals(1, summary.reproduced());
    assertEquals(0.5, summary.reproducibilityRate());
    assertEquals("1/2 reproduced", summary.result());
  }

  @Test
  void memoHoldsTheSummaryAndEveryJobUnderItsOwnKey() {
    comparisons.random.add("job2");

    AuditReport report = finish(start("audit-memo", List.of(succeeded("job1"), succeeded("job2")), 1));

    Map<String, Payload> memo = memo("audit-memo");
    assertEquals(Set.of("audit", "job:0", "job:1"), memo.keySet());
    assertEquals(report.summary(), read(memo.get("audit"), AuditSummary.class));
    assertEquals(report.jobs().get(1), read(memo.get("job:1"), AuditedJob.class));
    assertEquals(AuditVerdict.NOT_REPRODUCED, read(memo.get("job:1"), AuditedJob.class).verdict());
  }

  @Test
  void cancelledAuditCancelsItsRunningReRunAndSkipsTheRest() throws Exception {
    FakeRerun.takes = Duration.ofHours(1);
    WorkflowStub audit = start("audit-cancel", List.of(succeeded("job1"), succeeded("job2"), succeeded("job3")), 1);
    String firstRerun = FakeRerun.started.get(10, TimeUnit.SECONDS);

    audit.cancel();

    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> audit.getResult(AuditReport.class));
    assertInstanceOf(CanceledFailure.class, failed.getCause());
    AuditSummary summary = read(memo("audit-cancel").get("audit"), AuditSummary.class);
    assertEquals("cancelled", summary.status());
    assertEquals(3, summary.ended());
    assertEquals(Map.of("skipped", 3), summary.verdicts());
    assertEquals(1, FakeRerun.requests.size(), "nothing new starts after the cancel");
    assertEquals(io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED,
        env.getWorkflowClient().newUntypedWorkflowStub(firstRerun).describe().getStatus(),
        "the running re-run was cancelled with the audit");
  }

  @Test
  void theResultOfAnAuditOfManyJobsThatDidNotReproduceStaysSmall() {
    // Issue 11: the result held a row per job, and a thousand jobs that did not reproduce passed Temporal's 2 MB
    // limit on a payload. Its size must not grow with the audit: a few hundred such jobs show it.
    FakeRerun.takes = Duration.ofSeconds(1);
    List<AuditTarget> targets = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      targets.add(succeeded("many" + i));
      comparisons.random.add("many" + i);
    }
    WorkflowStub audit = start("audit-many", targets, 100);

    AuditReport result = audit.getResult(AuditReport.class);

    int bytes = DefaultDataConverter.STANDARD_INSTANCE.toPayload(result).orElseThrow().getSerializedSize();
    assertTrue(bytes < 2048, "the result is " + bytes + " bytes");
    assertEquals(Map.of("not_reproduced", 300), result.summary().verdicts());
    assertEquals(300, memo("audit-many").keySet().stream().filter(key -> key.startsWith("job:")).count(),
        "every job's row is in the memo");
  }
}
