package io.reprise.workflows.audits;

import io.reprise.workflows.audits.AuditActivities.OutputComparison;
import io.reprise.workflows.audits.AuditRequest.AuditTarget;
import io.reprise.workflows.jobs.JobRequest;
import io.reprise.workflows.jobs.JobSearchAttributes;
import io.reprise.workflows.jobs.JobState;
import io.reprise.workflows.jobs.JobStatus;
import io.reprise.workflows.jobs.JobWorkflow;
import io.reprise.workflows.jobs.Step;
import io.reprise.workflows.jobs.StepStatus;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.slf4j.Logger;

public class AuditWorkflowImpl implements AuditWorkflow {

  private static final Logger log = Workflow.getLogger(AuditWorkflowImpl.class);
  private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  // Comparing reads two manifests and the original's reprise.yml from MinIO; a MinIO outage is retried for about
  // three minutes, like the job's own steps, before the job's verdict says so.
  private static final ActivityOptions COMPARE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(2))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(8)
          .setDoNotRetry(AuditActivities.NOT_STORED)
          .build())
      .build();

  private final AuditActivities activities = Workflow.newActivityStub(AuditActivities.class, COMPARE);
  private final List<AuditedJob> jobs = new ArrayList<>();
  private AuditRequest request;
  private String created;
  private String finished;
  private String status = "running";
  private Random random;

  @Override
  public AuditReport run(AuditRequest request) {
    this.request = request;
    this.created = Instant.ofEpochMilli(Workflow.getInfo().getRunStartedTimestampMillis()).toString();
    this.random = Workflow.newRandom();
    Map<String, Object> memo = new LinkedHashMap<>();
    for (int i = 0; i < request.targets().size(); i++) {
      AuditTarget target = request.targets().get(i);
      AuditedJob job = AuditedJob.queued(i, target.jobId());
      String skip = reasonToSkip(target);
      jobs.add(skip == null ? job : job.ended(AuditVerdict.SKIPPED, skip));
      memo.put(AuditSummary.jobKey(i), jobs.get(i));
    }
    memo.put(AuditSummary.MEMO_KEY, summary());
    Workflow.upsertMemo(memo);

    int parallelism = Math.max(1, request.parallelism());
    List<Promise<Void>> running = new ArrayList<>();
    try {
      for (int i = 0; i < jobs.size(); i++) {
        if (jobs.get(i).verdict().ended()) {
          continue;
        }
        while (running.size() >= parallelism) {
          Promise.anyOf(running).get();
          running.removeIf(Promise::isCompleted);
        }
        int index = i;
        running.add(Async.procedure(() -> audit(index)));
      }
      Promise.allOf(running).get();
      status = "done";
    } catch (CanceledFailure cancelled) {
      // Children are asked to cancel with the audit (their jobs still clean up); what never started is skipped.
      status = "cancelled";
      Workflow.newDetachedCancellationScope(() -> {
        for (int i = 0; i < jobs.size(); i++) {
          if (!jobs.get(i).verdict().ended()) {
            update(i, jobs.get(i).ended(AuditVerdict.SKIPPED, "the audit was cancelled before this job's verdict"));
          }
        }
        finished = now();
        publishSummary();
      }).run();
      throw cancelled;
    }
    finished = now();
    publishSummary();
    AuditSummary summary = summary();
    log.info("audit {} done: {}", request.auditId(), summary.result());
    // Only the summary: a row per job would make the result grow with the audit, and an audit of a thousand jobs
    // that did not reproduce passed Temporal's 2 MB limit on a payload. Each row is in the memo under its own key.
    // The completion command stays the same, so histories of earlier audits replay unchanged.
    return new AuditReport(summary, List.of());
  }

  @Override
  public AuditReport report() {
    if (request == null) {
      return new AuditReport(null, List.of());
    }
    return new AuditReport(summary(), List.copyOf(jobs));
  }

  private static String reasonToSkip(AuditTarget target) {
    if (!JobStatus.SUCCESS.wireName().equals(target.status())) {
      return "the original job's status is " + target.status() + ": it has no outputs to compare";
    }
    return null;
  }

  /** Re-runs one job as a child job workflow, then compares the outputs. Never throws but for cancellation. */
  private void audit(int index) {
    AuditTarget target = request.targets().get(index);
    String rerunId = newJobId();
    update(index, jobs.get(index).running(rerunId));
    JobWorkflow child = Workflow.newChildWorkflowStub(JobWorkflow.class, ChildWorkflowOptions.newBuilder()
        .setWorkflowId(rerunId)
        // A cancelled or terminated audit asks its running re-runs to stop; they still clean up.
        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
        .setTypedSearchAttributes(SearchAttributes.newBuilder()
            .set(JobSearchAttributes.STATUS, JobStatus.RUNNING.wireName())
            .set(JobSearchAttributes.COMPENDIUM_ID, target.compendiumId())
            .set(JobSearchAttributes.SUBMITTER, request.submitter())
            .set(JobSearchAttributes.RERUN_OF, target.jobId())
            .build())
        .build());
    JobState rerun;
    try {
      rerun = child.run(new JobRequest(rerunId, target.compendiumId(), request.submitter(), target.jobId(),
          target.imageId(), request.rebuild(), target.imageDigest()));
    } catch (ChildWorkflowFailure failure) {
      throwIfAuditCancelled();
      // The re-run was cancelled or terminated on its own (by an operator), or failed as a workflow.
      update(index, jobs.get(index).ended(AuditVerdict.FAILED, "the re-run ended without a result: "
          + message(failure)));
      return;
    }
    AuditedJob job = jobs.get(index);
    if (rerun.storage() != null) {
      job = job.stored(rerun.storage().newBytes(), rerun.storage().reusedBytes());
    }
    if (rerun.status() != JobStatus.SUCCESS) {
      update(index, job.ended(AuditVerdict.FAILED, "the re-run " + failedStep(rerun)));
      return;
    }
    update(index, job);
    OutputComparison comparison;
    try {
      comparison = activities.compareOutputs(target.jobId(), rerunId);
    } catch (ActivityFailure failure) {
      throwIfAuditCancelled();
      boolean notStored = failure.getCause() instanceof ApplicationFailure af
          && AuditActivities.NOT_STORED.equals(af.getType());
      update(index, jobs.get(index).ended(notStored ? AuditVerdict.SKIPPED : AuditVerdict.FAILED,
          "the outputs could not be compared: " + message(failure)));
      return;
    }
    AuditedJob compared = jobs.get(index).compared(comparison.counts(), comparison.mismatches());
    update(index, comparison.reproduced()
        ? compared.ended(AuditVerdict.REPRODUCED, "every output is identical to the original's")
        : compared.ended(AuditVerdict.NOT_REPRODUCED, "outputs differ from the original's: "
            + String.join(", ", comparison.mismatches())));
  }

  private void throwIfAuditCancelled() {
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("audit " + request.auditId() + " was cancelled");
    }
  }

  /** "failed in execute: exited with code 1", from the first failed step of the re-run. */
  private static String failedStep(JobState state) {
    for (Step step : state.steps()) {
      if (step.status() == StepStatus.FAILURE) {
        String text = step.text() == null ? "" : step.text().lines().findFirst().orElse("");
        return "failed in " + step.name() + ": " + text;
      }
    }
    return "ended with status " + state.status().wireName();
  }

  private static String message(Exception failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof ApplicationFailure af ? af.getOriginalMessage() : cause.getMessage();
  }

  /** Sets one job's row and publishes it with the summary; memo upserts merge by key, so history stays small. */
  private void update(int index, AuditedJob job) {
    jobs.set(index, job);
    Map<String, Object> memo = new HashMap<>();
    memo.put(AuditSummary.jobKey(index), job);
    memo.put(AuditSummary.MEMO_KEY, summary());
    Workflow.upsertMemo(memo);
  }

  private void publishSummary() {
    Workflow.upsertMemo(Map.of(AuditSummary.MEMO_KEY, summary()));
  }

  private AuditSummary summary() {
    Map<String, Integer> verdicts = new TreeMap<>();
    int ended = 0;
    int audited = 0;
    int reproduced = 0;
    long newBytes = 0;
    long saved = 0;
    for (AuditedJob job : jobs) {
      verdicts.merge(job.verdict().wireName(), 1, Integer::sum);
      ended += job.verdict().ended() ? 1 : 0;
      audited += job.verdict().audited() ? 1 : 0;
      reproduced += job.verdict() == AuditVerdict.REPRODUCED ? 1 : 0;
      newBytes += job.newBytes() == null ? 0 : job.newBytes();
      saved += job.reusedBytes() == null ? 0 : job.reusedBytes();
    }
    Double rate = audited == 0 ? null : (double) reproduced / audited;
    return new AuditSummary(request.auditId(), status, created, finished, request.submitter(), request.rebuild(),
        Math.max(1, request.parallelism()), jobs.size(), ended, verdicts, audited, reproduced, rate, newBytes,
        saved);
  }

  /** A job id like the API's (twelve letters and digits), from the workflow's deterministic random source. */
  private String newJobId() {
    char[] id = new char[12];
    for (int i = 0; i < id.length; i++) {
      id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
    }
    return new String(id);
  }

  private static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }
}
