package io.reprise.api.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.sweep.JobDeletion;
import io.reprise.api.auth.Caller;
import io.reprise.api.auth.Role;
import io.reprise.api.web.ApiException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionDescription;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/** Deleting a job, and pinning one so that retention keeps it. */
@Service
public class JobRemoval {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JobService jobs;
  private final JobDeletion deletion;
  private final ArtifactStore store;
  private final Clock clock = Clock.systemUTC();

  private final JobReads reads;

  public JobRemoval(JobService jobs, JobDeletion deletion, ArtifactStore store, JobReads reads) {
    this.jobs = jobs;
    this.deletion = deletion;
    this.store = store;
    this.reads = reads;
  }

  /**
   * Deletes an ended job: an operator any, anyone else their own (a submitter's view of another's job is a 404, an
   * auditor's a 403, as for cancel). The workflow and the job's records go at once; its blobs and image go with the
   * next storage sweep, unless other jobs share them.
   */
  public Map<String, Object> delete(Caller caller, String jobId) {
    WorkflowExecutionDescription description = jobs.describeVisible(caller, jobId);
    if (!caller.isOperator() && !caller.owns(JobService.ownerOf(description))) {
      throw new ApiException(HttpStatus.FORBIDDEN, caller.is(Role.AUDITOR)
          ? "auditors may delete only their own jobs (their re-runs); an operator deletes others'"
          : "only the job's owner or an operator may delete job " + jobId);
    }
    if (description.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw new ApiException(HttpStatus.CONFLICT, "job " + jobId + " is running; cancel it, and delete it when it "
          + "has ended");
    }
    JobDeletion.Deleted deleted;
    try {
      deleted = deletion.delete(jobId);
    } catch (IllegalStateException slow) {
      throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, slow.getMessage());
    }
    // What this API keeps of the ended job goes too, so the job is 404 here at once.
    reads.forget(jobId);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("job_id", jobId);
    answer.put("status", "deleted");
    answer.put("deleted_by", caller.user());
    answer.put("objects_deleted", deleted.objects());
    answer.put("bytes_deleted", deleted.bytes());
    answer.put("later", "its working directory's blobs are freed by a storage sweep when no other job refers to "
        + "them, and its image reprise/job-" + jobId + " is removed from its host by the next sweep");
    return answer;
  }

  /** Pins the job: retention never expires it. Auditors and operators (the route's rule); any job they see. */
  public Map<String, Object> pin(Caller caller, String jobId) {
    jobs.describeVisible(caller, jobId);
    Map<String, Object> pin = new LinkedHashMap<>();
    pin.put("job_id", jobId);
    pin.put("pinned", true);
    pin.put("pinned_by", caller.user());
    pin.put("pinned_at", clock.instant().toString());
    try {
      byte[] bytes = JSON.writeValueAsBytes(pin);
      store.put(StoreKeys.pin(jobId), new ByteArrayInputStream(bytes), bytes.length, "application/json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pin;
  }

  public Map<String, Object> unpin(Caller caller, String jobId) {
    jobs.describeVisible(caller, jobId);
    store.delete(StoreKeys.pin(jobId));
    return Map.of("job_id", jobId, "pinned", false);
  }

  /** Whether the job is pinned, by whom and when; anyone who may see the job may ask. */
  public Map<String, Object> pinState(Caller caller, String jobId) {
    jobs.describeVisible(caller, jobId);
    Optional<InputStream> stored = store.open(StoreKeys.pin(jobId));
    if (stored.isEmpty()) {
      return Map.of("job_id", jobId, "pinned", false);
    }
    try (InputStream in = stored.get()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> pin = JSON.readValue(in, Map.class);
      return pin;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
