package io.reprise.api.audits;

import io.reprise.api.ApiProperties;
import io.reprise.api.Ids;
import io.reprise.api.auth.Caller;
import io.reprise.api.jobs.Actors;
import io.reprise.api.jobs.JobListing;
import io.reprise.api.jobs.JobPriorities;
import io.reprise.api.jobs.JobService;
import io.reprise.api.web.ApiException;
import io.reprise.workflows.audits.AuditRequest;
import io.reprise.workflows.audits.AuditRequest.AuditTarget;
import io.reprise.workflows.audits.AuditSummary;
import io.reprise.workflows.audits.AuditWorkflow;
import io.reprise.workflows.audits.AuditedJob;
import io.reprise.workflows.jobs.JobPriority;
import io.reprise.workflows.jobs.JobSearchAttributes;
import io.reprise.workflows.jobs.JobState;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Audits are Temporal workflows too: started here with the jobs to re-run, read back from their memo, where the
 * workflow keeps a summary and one entry per job current. No worker is needed to show an audit.
 */
@Service
public class AuditService {

  /** The most jobs one audit re-runs. */
  public static final int MAX_JOBS = 1000;
  public static final int DEFAULT_PARALLELISM = 2;
  public static final int MAX_PARALLELISM = 16;
  private static final String AUDIT_WORKFLOW = "AuditWorkflow";

  private final WorkflowClient temporal;
  private final JobService jobs;
  private final JobListing listing;
  private final ApiProperties.Temporal settings;
  private final JobPriorities priorities;

  public AuditService(WorkflowClient temporal, JobService jobs, JobListing listing, ApiProperties properties,
      JobPriorities priorities) {
    this.priorities = priorities;
    this.temporal = temporal;
    this.jobs = jobs;
    this.listing = listing;
    this.settings = properties.temporal();
  }

  /**
   * What {@code POST /api/v1/audit} asks for: either job ids or a filter of the job list.
   *
   * @param limit with a filter, audit only the first this many matches (in the list's order)
   */
  public record Order(List<String> jobIds, JobListing.Query filter, Integer limit, Integer parallelism,
      boolean rebuild, String user, Integer priority) {}

  /**
   * Starts the audit and answers its id and the number of jobs it holds, without waiting. The audit and its
   * re-runs belong to the caller (an operator may name another user).
   */
  public AuditStarted start(Caller caller, Order order) {
    int parallelism = order.parallelism() == null ? DEFAULT_PARALLELISM : order.parallelism();
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw ApiException.badRequest("parallelism must be between 1 and " + MAX_PARALLELISM);
    }
    String submitter = Actors.onBehalfOf(caller, order.user());
    int priority = priorities.forCaller(caller, order.priority());
    List<AuditTarget> targets = targets(order);
    String auditId = Ids.newId();
    Map<String, Object> memo = queuedMemo(auditId, targets, parallelism, order.rebuild(), submitter,
        new Actors.Actor(submitter, caller.user(), null));
    memo.put(JobPriority.MEMO_KEY, priority);
    // The re-runs are the audit's child workflows, and inherit its priority and fairness key (the submitter).
    AuditWorkflow workflow = temporal.newWorkflowStub(AuditWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(settings.taskQueue())
        .setWorkflowId(auditId)
        .setMemo(memo)
        .setPriority(JobPriority.of(priority, submitter))
        .build());
    WorkflowClient.start(workflow::run, new AuditRequest(auditId, targets, parallelism, order.rebuild(),
        submitter));
    return new AuditStarted(auditId, targets.size());
  }

  public record AuditStarted(String auditId, int jobs) {}

  /**
   * The memo the audit starts with, every job queued, so that it shows before a worker has taken it; the workflow
   * keeps it current from then on.
   */
  private static Map<String, Object> queuedMemo(String auditId, List<AuditTarget> targets, int parallelism,
      boolean rebuild, String submitter, Actors.Actor actor) {
    Map<String, Object> memo = new HashMap<>(Actors.memo(actor));
    for (int i = 0; i < targets.size(); i++) {
      memo.put(AuditSummary.jobKey(i), AuditedJob.queued(i, targets.get(i).jobId()));
    }
    memo.put(AuditSummary.MEMO_KEY, AuditSummary.queued(auditId, submitter, rebuild, parallelism, targets.size()));
    return memo;
  }

  private List<AuditTarget> targets(Order order) {
    boolean byIds = order.jobIds() != null;
    boolean byFilter = order.filter() != null;
    if (byIds == byFilter) {
      throw ApiException.badRequest("give either job_ids (a list of job ids) or filter (the job list's filters: "
          + "compendium_id, status, user)");
    }
    if (byIds) {
      if (order.limit() != null) {
        throw ApiException.badRequest("limit goes with filter, not with job_ids");
      }
      List<String> ids = List.copyOf(new LinkedHashSet<>(order.jobIds()));
      if (ids.isEmpty()) {
        throw ApiException.badRequest("job_ids is empty");
      }
      if (ids.size() > MAX_JOBS) {
        throw ApiException.badRequest("an audit holds at most " + MAX_JOBS + " jobs, not " + ids.size());
      }
      List<AuditTarget> targets = new ArrayList<>();
      for (String id : ids) {
        if (id == null || !Ids.isValid(id)) {
          throw ApiException.notFound("no job with id " + id);
        }
        targets.add(target(jobs.state(id)));
      }
      return targets;
    }
    if (order.limit() != null && (order.limit() < 1 || order.limit() > MAX_JOBS)) {
      throw ApiException.badRequest("limit must be between 1 and " + MAX_JOBS);
    }
    int max = order.limit() == null ? MAX_JOBS : order.limit();
    List<WorkflowExecutionInfo> found = listing.executions(JobListing.visibilityQuery(order.filter()), max + 1);
    if (found.isEmpty()) {
      throw ApiException.badRequest("no job matches the filter");
    }
    if (found.size() > max && order.limit() == null) {
      throw ApiException.badRequest("the filter matches more than " + MAX_JOBS + " jobs; narrow it, or give limit "
          + "to audit the first ones in the job list's order");
    }
    DataConverter converter = temporal.getOptions().getDataConverter();
    return found.stream().limit(max).map(info -> target(state(converter, info))).toList();
  }

  private static JobState state(DataConverter converter, WorkflowExecutionInfo info) {
    Payload memo = info.getMemo().getFieldsMap().get(JobState.MEMO_KEY);
    if (memo != null) {
      return converter.fromPayload(memo, JobState.class, JobState.class);
    }
    Payload compendium = info.getSearchAttributes().getIndexedFieldsMap()
        .get(JobSearchAttributes.COMPENDIUM_ID.getName());
    return JobState.notStarted(info.getExecution().getWorkflowId(),
        compendium == null ? null : converter.fromPayload(compendium, String.class, String.class));
  }

  private static AuditTarget target(JobState state) {
    return new AuditTarget(state.jobId(), state.compendiumId(), state.status().wireName(), state.imageId(),
        state.imageDigest());
  }

  /** The audit: progress while it runs, the report when it is done. */
  public AuditView view(String auditId) {
    WorkflowExecutionDescription description = describe(auditId);
    DataConverter converter = temporal.getOptions().getDataConverter();
    Map<String, Payload> memo = description.getRawDescription().getWorkflowExecutionInfo().getMemo()
        .getFieldsMap();
    Payload summaryPayload = memo.get(AuditSummary.MEMO_KEY);
    if (summaryPayload == null) {
      throw new IllegalStateException("audit " + auditId + " has no summary in its memo");
    }
    AuditSummary summary = converter.fromPayload(summaryPayload, AuditSummary.class, AuditSummary.class);
    List<AuditedJob> audited = memo.entrySet().stream()
        .filter(entry -> entry.getKey().startsWith("job:"))
        .map(entry -> converter.fromPayload(entry.getValue(), AuditedJob.class, AuditedJob.class))
        .sorted(Comparator.comparingInt(AuditedJob::index))
        .toList();
    Payload priority = memo.get(JobPriority.MEMO_KEY);
    Actors.Actor actor = Actors.of(description);
    return AuditView.of(summary, actor == null ? null : actor.submittedBy(),
        Actors.cancelledBy(temporal, auditId, description), status(description, summary),
        priority == null ? null : converter.fromPayload(priority, Integer.class, Integer.class), audited,
        settings.uiUrl() + "/namespaces/" + settings.namespace() + "/workflows/" + auditId);
  }

  /** The workflow's own end overrides the memo when the audit was stopped from outside (terminated, timed out). */
  private static String status(WorkflowExecutionDescription description, AuditSummary summary) {
    WorkflowExecutionStatus status = description.getStatus();
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_COMPLETED -> summary.status();
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> "cancelled";
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> "terminated";
      default -> "failed";
    };
  }

  /**
   * Asks the audit to stop: running re-runs are cancelled (and still clean up), queued jobs are skipped. Only the
   * audit's owner or an operator may.
   */
  public void cancel(Caller caller, String auditId) {
    WorkflowExecutionDescription description = describe(auditId);
    if (!caller.isOperator()) {
      Payload summary = description.getRawDescription().getWorkflowExecutionInfo().getMemo().getFieldsMap()
          .get(AuditSummary.MEMO_KEY);
      String owner = summary == null ? null : temporal.getOptions().getDataConverter()
          .fromPayload(summary, AuditSummary.class, AuditSummary.class).submitter();
      if (!caller.owns(owner)) {
        throw new ApiException(HttpStatus.FORBIDDEN, "only the audit's owner or an operator may cancel audit "
            + auditId);
      }
    }
    if (description.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw new ApiException(HttpStatus.CONFLICT, "audit " + auditId + " has already ended");
    }
    Actors.cancel(temporal, auditId, caller);
  }

  /** The ids of the newest audits (at most a thousand), running ones first. */
  public List<String> list() {
    return listing.ids("WorkflowType = '" + AUDIT_WORKFLOW + "'");
  }

  private WorkflowExecutionDescription describe(String auditId) {
    if (!Ids.isValid(auditId)) {
      throw ApiException.notFound("no audit with id " + auditId);
    }
    try {
      WorkflowExecutionDescription description = temporal.newUntypedWorkflowStub(auditId).describe();
      if (!AUDIT_WORKFLOW.equals(description.getWorkflowType())) {
        throw ApiException.notFound("no audit with id " + auditId);
      }
      return description;
    } catch (WorkflowNotFoundException e) {
      throw ApiException.notFound("no audit with id " + auditId);
    }
  }
}
