package io.reprise.api.jobs;

import io.reprise.activities.files.PortablePath;
import io.reprise.activities.jobs.ContentTypes;
import io.reprise.activities.jobs.JobFiles;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.StoredObject;
import io.reprise.api.ApiProperties;
import io.reprise.api.Ids;
import io.reprise.api.auth.AuthProperties;
import io.reprise.api.auth.Caller;
import io.reprise.api.auth.Role;
import io.reprise.api.compendia.CompendiumService;
import io.reprise.api.web.ApiException;
import io.reprise.api.web.ServerPaths;
import io.reprise.workflows.jobs.JobPriority;
import io.reprise.workflows.jobs.JobReport;
import io.reprise.workflows.jobs.JobRequest;
import io.reprise.workflows.jobs.JobSearchAttributes;
import io.reprise.workflows.jobs.JobState;
import io.reprise.workflows.jobs.JobStatus;
import io.reprise.workflows.jobs.JobWorkflow;
import io.reprise.workflows.jobs.Step;
import io.reprise.workflows.jobs.StepStatus;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DataConverter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** Jobs are Temporal workflows: started here, read back through describe (search attributes and memo). */
@Service
public class JobService {

  private static final String JOB_WORKFLOW = "JobWorkflow";
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private final WorkflowClient temporal;
  private final JobListing listing;
  private final ArtifactStore store;
  private final JobFiles jobFiles;
  // Archives being made at once (each holds a request thread and compresses for as long as it takes).
  private final java.util.concurrent.Semaphore archives = new java.util.concurrent.Semaphore(4);
  /** The longest a view may wait for its job to end ({@code ?wait=}), and how many requests may wait at once. */
  public static final int MAX_WAIT_SECONDS = 60;
  static final int MAX_WAITERS = 64;
  private final java.util.concurrent.Semaphore waiters = new java.util.concurrent.Semaphore(MAX_WAITERS);
  private final CompendiumService compendia;
  private final ApiProperties.Temporal settings;
  private final boolean submittersSeeAll;
  private final JobPriorities priorities;
  private final JobReads reads;

  public JobService(WorkflowClient temporal, ArtifactStore store, CompendiumService compendia,
      ApiProperties properties, JobListing listing, JobFiles jobFiles, AuthProperties auth,
      JobPriorities priorities) {
    this(temporal, store, compendia, properties, listing, jobFiles, auth, priorities,
        new JobReads(JobReads.Settings.defaults(), null));
  }

  @org.springframework.beans.factory.annotation.Autowired
  public JobService(WorkflowClient temporal, ArtifactStore store, CompendiumService compendia,
      ApiProperties properties, JobListing listing, JobFiles jobFiles, AuthProperties auth,
      JobPriorities priorities, JobReads reads) {
    this.reads = reads;
    this.submittersSeeAll = auth.submittersSeeAll();
    this.priorities = priorities;
    this.listing = listing;
    this.temporal = temporal;
    this.store = store;
    this.jobFiles = jobFiles;
    this.compendia = compendia;
    this.settings = properties.temporal();
  }

  public static boolean isValidUser(String user) {
    return USER.matcher(user).matches();
  }

  /** Whether submitters may read every job (REPRISE_SUBMITTERS_SEE_ALL), not only their own. */
  public boolean submittersSeeAll() {
    return submittersSeeAll;
  }

  /** Whether the caller may read a job or compendium that belongs to the owner given. */
  public boolean maySee(Caller caller, String owner) {
    return caller.readsAll() || submittersSeeAll || caller.owns(owner);
  }

  /** Starts the job workflow at the caller's default priority and answers its id without waiting for it. */
  public String start(Caller caller, String compendiumId, String user) {
    return start(caller, compendiumId, user, null, null);
  }

  /**
   * Starts the job workflow, or, when an idempotency key names a job that already exists for the same
   * compendium, answers that job. The key decides the job id, so Temporal's rule of one workflow per id does the
   * remembering: a retried request cannot start a second job. The job runs on behalf of the caller, or, for an
   * operator, of the user the request names; a submitter may run only compendia they uploaded.
   */
  public String start(Caller caller, String compendiumId, String user, Integer priority, String idempotencyKey) {
    if (compendiumId == null || compendiumId.isBlank()) {
      throw ApiException.badRequest("compendium_id is missing");
    }
    // The request's own shape first: a bad header is the client's to fix whatever the compendium.
    if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
      throw ApiException.badRequest("Idempotency-Key must hold 1 to 200 characters");
    }
    String submitter = Actors.onBehalfOf(caller, user);
    int granted = priorities.forCaller(caller, priority);
    if (!compendia.exists(compendiumId)) {
      throw ApiException.notFound("no compendium with id " + compendiumId);
    }
    if (!caller.isOperator() && !caller.owns(compendia.get(compendiumId).uploadedBy())) {
      // As for an unknown id: a submitter cannot tell another's compendium from none.
      throw ApiException.notFound("no compendium with id " + compendiumId);
    }
    String jobId;
    if (idempotencyKey == null) {
      jobId = Ids.newId();
    } else {
      // Scoped by the user the job is for: two users who happen to pick the same key start two jobs.
      jobId = Ids.fromKey(submitter + "\n" + idempotencyKey);
      String existing = existingCompendium(jobId);
      if (existing != null) {
        return sameCompendium(jobId, existing, compendiumId);
      }
    }
    try {
      launch(new JobRequest(jobId, compendiumId, submitter), granted,
          new Actors.Actor(submitter, caller.user(), null));
    } catch (WorkflowExecutionAlreadyStarted raced) {
      // Two requests with the same key arrived together; the other one started the job.
      return sameCompendium(jobId, existingCompendium(jobId), compendiumId);
    }
    return jobId;
  }

  /**
   * Starts the job's workflow with its priority, and the submitter as its fairness key: its activities inherit
   * both, so the job keeps its place in every task queue it passes through. The memo keeps the priority and who
   * asked for the job.
   */
  private void launch(JobRequest request, int priority, Actors.Actor actor) {
    SearchAttributes.Builder attributes = SearchAttributes.newBuilder()
        .set(JobSearchAttributes.STATUS, JobStatus.RUNNING.wireName())
        .set(JobSearchAttributes.COMPENDIUM_ID, request.compendiumId())
        .set(JobSearchAttributes.SUBMITTER, request.submitter());
    if (request.rerunOf() != null) {
      attributes.set(JobSearchAttributes.RERUN_OF, request.rerunOf());
    }
    JobWorkflow workflow = temporal.newWorkflowStub(JobWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(settings.taskQueue())
        .setWorkflowId(request.jobId())
        .setTypedSearchAttributes(attributes.build())
        .setPriority(JobPriority.of(priority, request.submitter()))
        .setMemo(Map.of(JobPriority.MEMO_KEY, priority, Actors.MEMO_KEY, actor))
        .build());
    WorkflowClient.start(workflow::run, request);
  }

  /**
   * Re-runs an ended job on the same stored compendium. It runs the image the job recorded, without building,
   * unless rebuild is asked for; then the new job says whether the rebuilt image has the same id. The re-run
   * belongs to the caller (an operator may name another user); a submitter re-runs only their own jobs.
   */
  public String rerun(Caller caller, String jobId, boolean rebuild, String user, Integer priority) {
    WorkflowExecutionDescription description = describeFor(caller, jobId);
    if (caller.is(Role.SUBMITTER) && !caller.owns(owner(description))) {
      throw new ApiException(HttpStatus.FORBIDDEN, "submitters may re-run only their own jobs");
    }
    String submitter = Actors.onBehalfOf(caller, user);
    int granted = priorities.forCaller(caller, priority);
    JobState state = description.getMemo(JobState.MEMO_KEY, JobState.class, JobState.class);
    if (description.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING || state == null) {
      throw new ApiException(HttpStatus.CONFLICT, "job " + jobId + " has not ended; re-run it when it has");
    }
    if (!rebuild && state.imageId() == null) {
      throw new ApiException(HttpStatus.CONFLICT, "job " + jobId + " recorded no image (its build did not "
          + "succeed); re-run it with rebuild=true");
    }
    String compendiumId = description.getTypedSearchAttributes().get(JobSearchAttributes.COMPENDIUM_ID);
    if (!compendia.exists(compendiumId)) {
      throw new ApiException(HttpStatus.CONFLICT, "the compendium of job " + jobId + " is no longer stored");
    }
    String newJob = Ids.newId();
    launch(new JobRequest(newJob, compendiumId, submitter, jobId, state.imageId(), rebuild, state.imageDigest()),
        granted,
        new Actors.Actor(submitter, caller.user(), caller.user()));
    // This API's next view of the job lists the new re-run; another API's within its re-runs' freshness window.
    reads.rerunStarted(jobId);
    return newJob;
  }

  /** The job's state as its workflow last published it; all steps queued when it has not run yet. */
  public JobState state(String jobId) {
    return state(jobId, describe(jobId));
  }

  /**
   * The workflow publishes its state in its memo at every step change; describe returns it without a worker. A
   * workflow that ended without publishing its end (terminated by an operator, timed out) still says running
   * there, so then the execution's own status decides: see {@link #endedBy}.
   */
  static JobState state(String jobId, WorkflowExecutionDescription description) {
    JobState published = description.getMemo(JobState.MEMO_KEY, JobState.class, JobState.class);
    JobState state = published != null ? published
        : JobState.notStarted(jobId, description.getTypedSearchAttributes().get(JobSearchAttributes.COMPENDIUM_ID));
    String cause = endedBy(description.getStatus());
    return cause == null || state.status() != JobStatus.RUNNING ? state : ended(state, description, cause);
  }

  /**
   * Why a workflow ended without its own say, as words for the job view; null while it runs and when it ended on
   * its own terms (completed, or continued as new).
   */
  static String endedBy(WorkflowExecutionStatus status) {
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> "terminated in Temporal (by an operator)";
      case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> "timed out in Temporal (its execution timeout passed)";
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> "cancelled in Temporal before it could end its steps";
      case WORKFLOW_EXECUTION_STATUS_FAILED -> "failed in Temporal before it could end its steps";
      default -> null;
    };
  }

  /**
   * The state of a job whose workflow was ended from outside: a failure; the step that was running failed with
   * the cause as its text, the steps after it skipped, and the exception names the cause. Nothing of this is
   * stored: the workflow's memo keeps what it last published.
   */
  private static JobState ended(JobState state, WorkflowExecutionDescription description, String cause) {
    io.temporal.api.workflow.v1.WorkflowExecutionInfo info = description.getRawDescription()
        .getWorkflowExecutionInfo();
    String closed = info.hasCloseTime() ? java.time.Instant.ofEpochSecond(info.getCloseTime().getSeconds(),
        info.getCloseTime().getNanos()).toString() : null;
    String message = "the job's workflow was " + cause + "; no later step ran";
    String failedStep = null;
    List<Step> steps = new ArrayList<>();
    for (Step step : state.steps()) {
      if (step.status() == StepStatus.RUNNING) {
        failedStep = step.name();
        String text = step.text() == null || step.text().isEmpty() ? message : step.text() + "\n" + message;
        steps.add(new Step(step.name(), StepStatus.FAILURE, step.start(), closed, text));
      } else if (step.status() == StepStatus.QUEUED) {
        steps.add(new Step(step.name(), StepStatus.SKIPPED, step.start(), step.end(), message));
      } else {
        steps.add(step);
      }
    }
    JobReport report = state.report();
    String type = description.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "WORKFLOW_");
    JobReport endedReport = new JobReport(report.created(), report.started(), closed,
        new JobReport.ExceptionInfo(failedStep, type, message, null), report.executionOrder());
    return new JobState(state.jobId(), state.compendiumId(), JobStatus.FAILURE, steps, state.imageId(),
        state.baseImage(), state.baseImageId(), state.exitCode(), endedReport, state.rerunOf(),
        state.rebuiltImageIdentical(), state.provenance(), state.storage(), state.priority(), state.imageDigest());
  }

  /**
   * The jobs that re-ran this one, newest first: those the viewer may see (their own, for a submitter who does not
   * see all), every one without a viewer.
   */
  private List<String> reruns(Caller viewer, String jobId) {
    String query = "WorkflowType = 'JobWorkflow' AND " + JobSearchAttributes.RERUN_OF.getName() + " = '" + jobId
        + "'";
    String only = null;
    if (viewer != null && !viewer.readsAll() && !submittersSeeAll) {
      // The user is a valid user name (letters, digits and . _ @ -): it cannot end the quoted value.
      only = viewer.user();
      query += " AND " + JobSearchAttributes.SUBMITTER.getName() + " = '" + only + "'";
    }
    String asked = query;
    // Shared for a few seconds between the job's viewers with the same filter: a visibility query per view would
    // spend the namespace's visibility rate (100 a second on the dev server) at a hundred views a second.
    return reads.reruns(jobId, only, () -> listing.ids(asked));
  }

  private String existingCompendium(String jobId) {
    try {
      return temporal.newUntypedWorkflowStub(jobId).describe().getTypedSearchAttributes()
          .get(JobSearchAttributes.COMPENDIUM_ID);
    } catch (WorkflowNotFoundException e) {
      return null;
    }
  }

  private static String sameCompendium(String jobId, String existing, String asked) {
    if (!asked.equals(existing)) {
      throw new ApiException(HttpStatus.CONFLICT, "this Idempotency-Key already started job " + jobId
          + " on another compendium");
    }
    return jobId;
  }

  /** The job workflow's event history, as Temporal's JSON. */
  public String history(String jobId) {
    describe(jobId);
    return temporal.fetchHistory(jobId).toJson(true);
  }

  /**
   * The most of a stored log that {@code ?steps=all} puts in a step's text. A failure shows at a log's end, and a
   * program that prints gigabytes must not make a job view that large: the whole log is a link away.
   */
  static final int STEP_LOG_TAIL = 64 * 1024;

  /**
   * Every step's log: a header per step, then the full stored log where there is one, the step's text otherwise.
   * The job is described at once, so an unknown job is a 404 before any byte is sent; the logs are then copied from
   * the store to the client a buffer at a time, so a log of any size passes through a few kilobytes of memory.
   */
  public StreamingResponseBody logs(Caller caller, String jobId) {
    JobView view = view(caller, jobId, false);
    return out -> {
      for (Map.Entry<String, JobView.StepView> entry : view.steps().entrySet()) {
        String name = entry.getKey();
        JobView.StepView step = entry.getValue();
        StringBuilder header = new StringBuilder("== ").append(name).append(": ").append(step.status());
        if (step.start() != null) {
          header.append(" (").append(step.start()).append(" .. ").append(step.end() == null ? "" : step.end())
              .append(")");
        }
        out.write(header.append(" ==\n").toString().getBytes(StandardCharsets.UTF_8));
        Optional<InputStream> stored = store.open(StoreKeys.jobLog(jobId, name));
        int last;
        if (stored.isPresent()) {
          try (InputStream in = stored.get()) {
            last = copy(in, out);
          }
        } else {
          byte[] text = (step.text() == null ? "" : step.text()).getBytes(StandardCharsets.UTF_8);
          out.write(text);
          last = text.length == 0 ? -1 : text[text.length - 1];
        }
        if (last != -1 && last != '\n') {
          out.write('\n');
        }
      }
      out.flush();
    };
  }

  /** Copies the stream and answers its last byte, or -1 when it was empty. */
  private static int copy(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    int last = -1;
    int read;
    while ((read = in.read(buffer)) >= 0) {
      if (read > 0) {
        out.write(buffer, 0, read);
        last = buffer[read - 1];
      }
    }
    return last;
  }

  /**
   * The end of a step's stored log, at most {@link #STEP_LOG_TAIL} bytes read with a ranged open; when the log is
   * longer, a first line says so and where the whole log is. Null when the step stored no log.
   */
  private String storedTail(String jobId, String step) {
    String key = StoreKeys.jobLog(jobId, step);
    Optional<StoredObject> object = store.stat(key);
    if (object.isEmpty()) {
      return null;
    }
    long size = object.get().size();
    if (size == 0) {
      // A ranged read of nothing is an error to MinIO's client.
      return "";
    }
    long offset = Math.max(0, size - STEP_LOG_TAIL);
    byte[] bytes;
    try (InputStream in = store.open(key, offset, size - offset).orElseGet(InputStream::nullInputStream)) {
      bytes = in.readNBytes(STEP_LOG_TAIL);
    } catch (IOException e) {
      throw new UncheckedIOException("the log " + key + " could not be read", e);
    }
    if (offset == 0) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    // The cut may fall inside a character: start at the next whole one.
    int start = 0;
    while (start < bytes.length && (bytes[start] & 0xc0) == 0x80) {
      start++;
    }
    return "[truncated: the first " + (offset + start) + " of " + size + " bytes are not shown; the whole log is "
        + dataUrl(jobId, "logs/" + step + ".log") + "]\n" + new String(bytes, start, bytes.length - start,
        StandardCharsets.UTF_8);
  }

  private static String dataUrl(String jobId, String path) {
    return "/api/v1/job/" + jobId + "/data/" + path;
  }

  public JobView view(String jobId) {
    return view(jobId, false);
  }

  /** The job, when the caller may see it; a 404 like an unknown id when not. */
  public JobView view(Caller caller, String jobId, boolean allSteps) {
    return view(caller, snapshotFor(caller, jobId), allSteps, true);
  }

  /**
   * The job as {@link #view(Caller, String, boolean)}, after waiting up to the seconds given for it to end when it
   * runs. Temporal says when the workflow closes (a long poll on its history, not a describe a second), and the
   * view is then read anew, so a client that waits learns of the end at once instead of polling a view that may be
   * a second old. At most {@link #MAX_WAITERS} requests wait at once; past that a waiting view answers 429.
   */
  public JobView awaitView(Caller caller, String jobId, boolean allSteps, int waitSeconds) {
    JobReads.Snapshot snapshot = snapshotFor(caller, jobId);
    if (snapshot.closed() || waitSeconds <= 0) {
      return view(caller, snapshot, allSteps, true);
    }
    if (!waiters.tryAcquire()) {
      // Answering "running" at once would send the client straight back: it waits a second instead.
      throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too many views are waiting for their jobs at once; try "
          + "again in a second", Map.of(HttpHeaders.RETRY_AFTER, "1"));
    }
    try {
      temporal.newUntypedWorkflowStub(jobId).getResult(Math.min(waitSeconds, MAX_WAIT_SECONDS),
          java.util.concurrent.TimeUnit.SECONDS, Object.class);
      reads.ended(jobId);
    } catch (java.util.concurrent.TimeoutException stillRunning) {
      // The job runs on: the view says so.
    } catch (io.temporal.client.WorkflowServiceException temporalRefused) {
      // Temporal did not answer the wait (unavailable, over its limits): that says nothing of the job's end.
      throw temporalRefused;
    } catch (io.temporal.client.WorkflowException closedOtherwise) {
      // Failed, cancelled, terminated, timed out, or gone: it ended all the same, and the view tells how.
      reads.ended(jobId);
    } finally {
      waiters.release();
    }
    return view(caller, snapshotFor(caller, jobId), allSteps, true);
  }

  /**
   * The job; with all steps, each step's text is the end of its stored log and its details are added. Texts and
   * the exception's message pass through {@link ServerPaths}, and the exception's stack is left out: both may
   * hold the worker's paths and code.
   */
  public JobView view(String jobId, boolean allSteps) {
    return view(null, snapshot(jobId), allSteps, true);
  }

  /**
   * The job's steps and status as a log stream follows them, without its re-runs: every stream of a job shares
   * the job's read, as every view does.
   */
  JobView progress(String jobId) {
    return view(null, snapshot(jobId), false, false);
  }

  /**
   * What the job's view is made of: read once and kept when the job has ended, shared by all readers for a short
   * while when it runs (see {@link JobReads}).
   */
  private JobReads.Snapshot snapshot(String jobId) {
    if (!Ids.isValid(jobId)) {
      throw ApiException.notFound("no job with id " + jobId);
    }
    return reads.snapshot(jobId, this::readSnapshot);
  }

  /** The snapshot, when the caller may see the job; a 404 like an unknown id when not. */
  private JobReads.Snapshot snapshotFor(Caller caller, String jobId) {
    JobReads.Snapshot snapshot = snapshot(jobId);
    if (!maySee(caller, snapshot.owner())) {
      throw ApiException.notFound("no job with id " + jobId);
    }
    return snapshot;
  }

  private JobReads.Snapshot readSnapshot(String jobId) {
    reads.takeDescribe();
    WorkflowExecutionDescription description = describe(jobId);
    // The search attributes are set when the job starts, so they are there before the workflow first runs.
    SearchAttributes attributes = description.getTypedSearchAttributes();
    JobState state = state(jobId, description);
    List<JobView.FileView> files = jobFiles.list(jobId).stream().map(file -> new JobView.FileView(file.path(),
        file.size(), dataUrl(jobId, file.path()))).toList();
    // A closed workflow never changes again, cancel requests included: its snapshot is kept.
    boolean closed = description.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    return new JobReads.Snapshot(jobId, attributes.get(JobSearchAttributes.COMPENDIUM_ID),
        attributes.get(JobSearchAttributes.SUBMITTER), state, Map.copyOf(liveTails(description)),
        Actors.of(description), Actors.cancelledBy(temporal, jobId, description), priority(description, state),
        description.getStartTime().toString(), closed, files);
  }

  private JobView view(Caller viewer, JobReads.Snapshot snapshot, boolean allSteps, boolean withReruns) {
    String jobId = snapshot.jobId();
    String compendiumId = snapshot.compendiumId();
    JobState state = snapshot.state();
    Map<String, String> liveTails = snapshot.liveTails();
    Map<String, JobView.StepView> steps = new LinkedHashMap<>();
    for (Step step : state.steps()) {
      String text = step.status() == StepStatus.RUNNING && liveTails.containsKey(step.name())
          ? liveTails.get(step.name()) : step.text();
      steps.put(step.name(), new JobView.StepView(step.status().wireName(), step.start(), step.end(),
          ServerPaths.hide(text), null));
    }
    List<JobView.FileView> files = snapshot.files();
    if (allSteps) {
      steps.replaceAll((name, step) -> withDetails(jobId, name, step, state, files));
    }
    JobReport report = state.report();
    Actors.Actor actor = snapshot.actor();
    return new JobView(jobId, compendiumId, state.rerunOf(), withReruns ? reruns(viewer, jobId) : null,
        state.rebuiltImageIdentical(), snapshot.owner(), actor == null ? null : actor.submittedBy(),
        actor == null ? null : actor.rerunBy(), snapshot.cancelledBy(), snapshot.priority(),
        snapshot.created(), report.started(), report.finished(), state.status().wireName(),
        steps, report.executionOrder(), exception(report.exception()), state.imageId(), state.imageDigest(),
        state.baseImage(),
        state.baseImageId(),
        state.exitCode(), state.provenance(), state.storage(), results(jobId, compendiumId, state, files),
        JobView.FileNode.of(jobId, files),
        settings.uiUrl() + "/namespaces/" + settings.namespace() + "/workflows/" + jobId);
  }

  /**
   * The priority Temporal runs the job's workflow with (an audit's re-runs inherit the audit's); the one the
   * workflow recorded when describe has none; null for jobs from before priorities.
   */
  private static Integer priority(WorkflowExecutionDescription description, JobState state) {
    io.temporal.api.workflow.v1.WorkflowExecutionInfo info = description.getRawDescription()
        .getWorkflowExecutionInfo();
    if (info.hasPriority() && info.getPriority().getPriorityKey() > 0) {
      return info.getPriority().getPriorityKey();
    }
    return state.priority();
  }

  private static JobView.ExceptionView exception(JobReport.ExceptionInfo exception) {
    return exception == null ? null
        : new JobView.ExceptionView(exception.step(), exception.type(), ServerPaths.hide(exception.message()));
  }

  private JobView.StepView withDetails(String jobId, String name, JobView.StepView step, JobState state,
      List<JobView.FileView> files) {
    Map<String, Object> details = new LinkedHashMap<>();
    String log = storedTail(jobId, name);
    files.stream().filter(f -> f.path().equals("logs/" + name + ".log")).findFirst()
        .ifPresent(f -> details.put("log", f.url()));
    switch (name) {
      case "compile" -> {
        putIfPresent(details, "image_id", state.imageId());
        putIfPresent(details, "image_digest", state.imageDigest());
        putIfPresent(details, "base_image", state.baseImage());
        putIfPresent(details, "base_image_id", state.baseImageId());
      }
      case "execute" -> putIfPresent(details, "exit_code", state.exitCode());
      case "cleanup" -> files.stream().filter(f -> f.path().equals("manifest.json")).findFirst()
          .ifPresent(f -> details.put("manifest", f.url()));
      default -> { }
    }
    return new JobView.StepView(step.status(), step.start(), step.end(),
        log != null ? ServerPaths.hide(log) : step.text(), details);
  }

  private static void putIfPresent(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  /**
   * Asks the workflow to stop: a running container is killed, execute fails "cancelled", cleanup still runs. Only
   * the job's owner or an operator may; the request carries the caller's name into the workflow's history.
   */
  public void cancel(Caller caller, String jobId) {
    WorkflowExecutionDescription description = describeFor(caller, jobId);
    if (!caller.isOperator() && !caller.owns(owner(description))) {
      throw new ApiException(HttpStatus.FORBIDDEN, "only the job's owner or an operator may cancel job " + jobId);
    }
    if (description.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw new ApiException(HttpStatus.CONFLICT, "job " + jobId + " has already ended");
    }
    Actors.cancel(temporal, jobId, caller);
  }

  /** Answers 404, as for an unknown id, when the caller may not see the job. */
  public void requireVisible(Caller caller, String jobId) {
    if (!caller.readsAll() && !submittersSeeAll) {
      // The owner never changes: the job's shared snapshot tells it as well as a describe.
      snapshotFor(caller, jobId);
    }
  }

  /**
   * The job's workflow when the caller may see the job; a 404 like an unknown id when not. For routes outside this
   * service (deletion, pins).
   */
  public WorkflowExecutionDescription describeVisible(Caller caller, String jobId) {
    return describeFor(caller, jobId);
  }

  /** The user a job runs for, from its workflow. */
  public static String ownerOf(WorkflowExecutionDescription description) {
    return owner(description);
  }

  private WorkflowExecutionDescription describeFor(Caller caller, String jobId) {
    WorkflowExecutionDescription description = describe(jobId);
    if (!maySee(caller, owner(description))) {
      throw ApiException.notFound("no job with id " + jobId);
    }
    return description;
  }

  private static String owner(WorkflowExecutionDescription description) {
    return description.getTypedSearchAttributes().get(JobSearchAttributes.SUBMITTER);
  }

  private WorkflowExecutionDescription describe(String jobId) {
    try {
      WorkflowExecutionDescription description = stub(jobId).describe();
      if (!JOB_WORKFLOW.equals(description.getWorkflowType())) {
        throw ApiException.notFound("no job with id " + jobId);
      }
      return description;
    } catch (WorkflowNotFoundException e) {
      throw ApiException.notFound("no job with id " + jobId);
    }
  }

  /**
   * The log tails that running steps report in their heartbeats, by step name. Temporal keeps the latest
   * heartbeat details of each pending activity, so a running build or program shows its newest lines.
   */
  private Map<String, String> liveTails(WorkflowExecutionDescription description) {
    Map<String, String> tails = new HashMap<>();
    DataConverter converter = temporal.getOptions().getDataConverter();
    for (PendingActivityInfo pending : description.getRawDescription().getPendingActivitiesList()) {
      if (pending.hasHeartbeatDetails()) {
        String step = pending.getActivityType().getName().toLowerCase(Locale.ROOT);
        String tail = converter.fromPayloads(0, Optional.of(pending.getHeartbeatDetails()), String.class,
            String.class);
        if (tail != null) {
          tails.put(step, tail);
        }
      }
    }
    return tails;
  }

  private static List<JobView.Result> results(String jobId, String compendiumId, JobState state,
      List<JobView.FileView> files) {
    Map<String, Object> links = new LinkedHashMap<>();
    links.put("job_id", jobId);
    links.put("job", "/api/v1/job/" + jobId);
    links.put("compendium_id", compendiumId);
    List<JobView.Result> results = new ArrayList<>();
    if (state.exitCode() != null) {
      results.add(new JobView.Result("EXIT_CODE", state.exitCode(), links));
    }
    Map<String, String> logs = new LinkedHashMap<>();
    files.stream().filter(f -> f.path().startsWith("logs/"))
        .forEach(f -> logs.put(f.path().substring(5).replaceFirst("\\.log$", ""), f.url()));
    if (!logs.isEmpty()) {
      results.add(new JobView.Result("LOG", logs, links));
    }
    files.stream().filter(f -> f.path().equals("manifest.json")).findFirst()
        .ifPresent(f -> results.add(new JobView.Result("OUTPUT_MANIFEST", f.url(), links)));
    if (state.imageId() != null) {
      Map<String, Object> imageMeta = new LinkedHashMap<>(links);
      imageMeta.put("tag", "reprise/job-" + jobId + ":latest");
      if (state.imageDigest() != null) {
        imageMeta.put("digest", state.imageDigest());
      }
      imageMeta.put("base_image", state.baseImage());
      imageMeta.put("base_image_id", state.baseImageId());
      results.add(new JobView.Result("IMAGE", state.imageId(), imageMeta));
    }
    return results;
  }

  /**
   * Every stored file of the job (its working directory as cleanup kept it, its logs and records) as one zip under
   * a folder named after the job, streamed from the store a file at a time. A file that went from the store
   * between the listing and its turn is left out and named in {@code MISSING.txt}, since the answer has started.
   */
  public StreamingResponseBody archive(Caller caller, String jobId) {
    if (!Ids.isValid(jobId)) {
      throw ApiException.notFound("no job with id " + jobId);
    }
    WorkflowExecutionDescription description = describeFor(caller, jobId);
    if (description.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw new ApiException(HttpStatus.CONFLICT, "job " + jobId + " has not ended; its files are stored when it "
          + "has");
    }
    List<JobFiles.JobFile> files = jobFiles.list(jobId);
    if (files.isEmpty()) {
      throw ApiException.notFound("job " + jobId + " stored no files");
    }
    // Each archive holds a request thread and compresses for as long as it takes; a few at a time per API.
    if (!archives.tryAcquire()) {
      throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "as many archives as this server makes at once are "
          + "being made; try again shortly", Map.of(HttpHeaders.RETRY_AFTER, "10"));
    }
    return out -> {
      List<String> missing = new ArrayList<>();
      try (ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
        // Fast compression: outputs are often compressed already, and the network is the slower part.
        zip.setLevel(1);
        for (JobFiles.JobFile file : files) {
          Optional<InputStream> stored = store.open(file.key(), 0, file.size());
          if (stored.isEmpty()) {
            missing.add(file.path());
            continue;
          }
          zip.putNextEntry(new ZipEntry(jobId + "/" + file.path()));
          try (InputStream in = stored.get()) {
            in.transferTo(zip);
          }
          zip.closeEntry();
        }
        if (!missing.isEmpty()) {
          zip.putNextEntry(new ZipEntry(jobId + "/MISSING.txt"));
          zip.write(("no longer stored:\n" + String.join("\n", missing) + "\n").getBytes(StandardCharsets.UTF_8));
          zip.closeEntry();
        }
      } finally {
        archives.release();
      }
    };
  }


  /** A stored file of a job: its size, content type, and the store key of its bytes. */
  public record StoredFile(long size, String contentType, String key) {}

  /** Finds a file of the job, in its working directory (through the manifest) or among its logs and records. */
  public StoredFile stat(Caller caller, String jobId, String path) {
    if (!Ids.isValid(jobId)) {
      throw ApiException.notFound("no job with id " + jobId);
    }
    checkFilePath(path);
    requireVisible(caller, jobId);
    JobFiles.JobFile file = jobFiles.locate(jobId, path)
        .orElseThrow(() -> ApiException.notFound("no file " + path + " in job " + jobId));
    return new StoredFile(file.size(), ContentTypes.of(path), file.key());
  }

  /**
   * Refuses a file path that names no file the way a job lists its files: empty, with an empty, "." or ".." part,
   * or with control characters. Such a path would otherwise reach the store as a key it refuses.
   */
  static void checkFilePath(String path) {
    if (path.isEmpty()) {
      throw ApiException.badRequest("the file path is empty; the job view lists its files and their URLs");
    }
    // The rule every stored name follows (PortablePath); a path that breaks it names no file, and must not reach
    // the store as a key it would trim, refuse or read as another.
    Optional<String> problem = PortablePath.problem(path);
    if (problem.isPresent()) {
      throw ApiException.badRequest("the file path has " + problem.get() + "; give the path as the job view lists "
          + "it");
    }
  }

  public InputStream open(StoredFile file, long offset, long length) {
    return store.open(file.key(), offset, length)
        .orElseThrow(() -> ApiException.notFound("the file is no longer stored"));
  }

  private WorkflowStub stub(String jobId) {
    if (!Ids.isValid(jobId)) {
      throw ApiException.notFound("no job with id " + jobId);
    }
    return temporal.newUntypedWorkflowStub(jobId);
  }

}
