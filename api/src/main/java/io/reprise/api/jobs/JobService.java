package io.reprise.api.jobs;

import io.reprise.activities.jobs.ContentTypes;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.StoredObject;
import io.reprise.api.ApiProperties;
import io.reprise.api.Ids;
import io.reprise.api.compendia.CompendiumService;
import io.reprise.api.web.ApiException;
import io.reprise.workflows.jobs.JobRequest;
import io.reprise.workflows.jobs.JobSearchAttributes;
import io.reprise.workflows.jobs.JobState;
import io.reprise.workflows.jobs.JobStatus;
import io.reprise.workflows.jobs.JobWorkflow;
import io.reprise.workflows.jobs.Step;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/** Jobs are Temporal workflows: started here, read back through describe (search attributes and memo). */
@Service
public class JobService {

  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private final WorkflowClient temporal;
  private final ArtifactStore store;
  private final CompendiumService compendia;
  private final ApiProperties.Temporal settings;

  public JobService(WorkflowClient temporal, ArtifactStore store, CompendiumService compendia,
      ApiProperties properties) {
    this.temporal = temporal;
    this.store = store;
    this.compendia = compendia;
    this.settings = properties.temporal();
  }

  /** Starts the job workflow and answers its id without waiting for it. */
  public String start(String compendiumId, String user) {
    if (compendiumId == null || compendiumId.isBlank()) {
      throw ApiException.badRequest("compendium_id is missing");
    }
    if (!compendia.exists(compendiumId)) {
      throw ApiException.notFound("no compendium with id " + compendiumId);
    }
    String submitter = user == null || user.isBlank() ? "anonymous" : user;
    if (!USER.matcher(submitter).matches()) {
      throw ApiException.badRequest("user may hold only letters, digits and . _ @ - (at most 64)");
    }
    String jobId = Ids.newId();
    JobWorkflow workflow = temporal.newWorkflowStub(JobWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(settings.taskQueue())
        .setWorkflowId(jobId)
        .setTypedSearchAttributes(SearchAttributes.newBuilder()
            .set(JobSearchAttributes.STATUS, JobStatus.RUNNING.wireName())
            .set(JobSearchAttributes.COMPENDIUM_ID, compendiumId)
            .set(JobSearchAttributes.SUBMITTER, submitter)
            .build())
        .build());
    WorkflowClient.start(workflow::run, new JobRequest(jobId, compendiumId, submitter));
    return jobId;
  }

  public JobView view(String jobId) {
    WorkflowStub stub = stub(jobId);
    WorkflowExecutionDescription description;
    try {
      description = stub.describe();
    } catch (WorkflowNotFoundException e) {
      throw ApiException.notFound("no job with id " + jobId);
    }
    // The search attributes are set when the job starts, so they are there before the workflow first runs.
    SearchAttributes attributes = description.getTypedSearchAttributes();
    String compendiumId = attributes.get(JobSearchAttributes.COMPENDIUM_ID);
    // The workflow publishes its state in its memo at every step change; describe returns it without a worker.
    JobState published = description.getMemo(JobState.MEMO_KEY, JobState.class, JobState.class);
    JobState state = published != null ? published : JobState.notStarted(jobId, compendiumId);
    Map<String, JobView.StepView> steps = new LinkedHashMap<>();
    for (Step step : state.steps()) {
      steps.put(step.name(), new JobView.StepView(step.status().wireName(), step.start(), step.end(), step.text()));
    }
    List<JobView.FileView> files = store.list(StoreKeys.jobPrefix(jobId)).stream()
        .map(object -> fileView(jobId, object))
        .toList();
    return new JobView(jobId, compendiumId,
        attributes.get(JobSearchAttributes.SUBMITTER), description.getStartTime().toString(),
        state.status().wireName(), steps, state.imageId(), state.exitCode(), files,
        settings.uiUrl() + "/namespaces/" + settings.namespace() + "/workflows/" + jobId);
  }

  public record StoredFile(InputStream data, long size, String contentType) {}

  public StoredFile file(String jobId, String path) {
    if (!Ids.isValid(jobId) || path.isEmpty() || path.contains("..")) {
      throw ApiException.notFound("no file " + path + " in job " + jobId);
    }
    String key = StoreKeys.jobFile(jobId, path);
    StoredObject object = store.stat(key)
        .orElseThrow(() -> ApiException.notFound("no file " + path + " in job " + jobId));
    InputStream data = store.open(key)
        .orElseThrow(() -> ApiException.notFound("no file " + path + " in job " + jobId));
    return new StoredFile(data, object.size(), ContentTypes.of(path));
  }

  private WorkflowStub stub(String jobId) {
    if (!Ids.isValid(jobId)) {
      throw ApiException.notFound("no job with id " + jobId);
    }
    return temporal.newUntypedWorkflowStub(jobId);
  }

  private static JobView.FileView fileView(String jobId, StoredObject object) {
    String path = object.key().substring(StoreKeys.jobPrefix(jobId).length());
    return new JobView.FileView(path, object.size(), "/api/v1/job/" + jobId + "/data/" + path);
  }
}
