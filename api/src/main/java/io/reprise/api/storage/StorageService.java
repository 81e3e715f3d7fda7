package io.reprise.api.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.StoredObject;
import io.reprise.api.ApiProperties;
import io.reprise.api.Ids;
import io.reprise.api.auth.Caller;
import io.reprise.api.web.ApiException;
import io.reprise.workflows.storage.StorageSweepWorkflow;
import io.reprise.workflows.storage.SweepRequest;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/** Usage, the storage sweeps' figures, and a sweep started at once. The sweep itself runs on the workers. */
@Service
public class StorageService {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd])");
  private static final int LISTED = 20;

  private final ArtifactStore store;
  private final WorkflowClient temporal;
  private final ApiProperties.Temporal settings;

  public StorageService(ArtifactStore store, WorkflowClient temporal, ApiProperties properties) {
    this.store = store;
    this.temporal = temporal;
    this.settings = properties.temporal();
  }

  /** Bytes per user and per compendium as the last sweep counted them, the last sweep, and the schedule. */
  public Map<String, Object> overview() {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("usage", read(StoreKeys.USAGE).orElse(null));
    List<Map<String, Object>> sweeps = sweeps(1);
    answer.put("last_sweep", sweeps.isEmpty() ? null : sweeps.get(0));
    answer.put("schedule", schedule());
    return answer;
  }

  /** The newest stored sweep reports, newest first. */
  public List<Map<String, Object>> sweeps(int limit) {
    List<StoredObject> reports = new ArrayList<>(store.list(StoreKeys.SWEEPS_PREFIX));
    reports.sort(Comparator.comparing((StoredObject o) -> o.lastModified() == null ? java.time.Instant.EPOCH
        : o.lastModified()).thenComparing(StoredObject::key).reversed());
    List<Map<String, Object>> answer = new ArrayList<>();
    for (StoredObject report : reports.subList(0, Math.min(limit, reports.size()))) {
      read(report.key()).ifPresent(answer::add);
    }
    return answer;
  }

  public List<Map<String, Object>> sweeps() {
    return sweeps(LISTED);
  }

  /**
   * Starts a sweep now, with the workers' settings unless the request sets the grace or a status's retention
   * (e.g. {@code {"grace": "0s", "retention": {"failure": "7d"}}}); answers its id.
   */
  public Map<String, Object> start(Caller caller, Map<String, Object> body) {
    Long grace = null;
    Map<String, Long> retention = null;
    if (body != null) {
      for (String key : body.keySet()) {
        if (!key.equals("grace") && !key.equals("retention")) {
          throw ApiException.badRequest("unknown field " + key + "; a sweep takes grace and retention");
        }
      }
      if (body.get("grace") != null) {
        grace = seconds("grace", body.get("grace"));
      }
      if (body.get("retention") != null) {
        if (!(body.get("retention") instanceof Map<?, ?> asked)) {
          throw ApiException.badRequest("retention must be an object such as {\"failure\": \"30d\"}");
        }
        retention = new HashMap<>();
        for (Map.Entry<?, ?> entry : asked.entrySet()) {
          String status = String.valueOf(entry.getKey());
          if (!status.equals("success") && !status.equals("failure")) {
            throw ApiException.badRequest("retention is per status, success or failure; not " + status);
          }
          retention.put(status, seconds("retention." + status, entry.getValue()));
        }
      }
    }
    String id = StorageSweepWorkflow.MANUAL_PREFIX + Ids.newId();
    StorageSweepWorkflow sweep = temporal.newWorkflowStub(StorageSweepWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(settings.taskQueue())
        .setWorkflowId(id)
        .setWorkflowRunTimeout(Duration.ofHours(6))
        .build());
    WorkflowClient.start(sweep::run, new SweepRequest(retention, grace, "api:" + caller.user()));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("sweep_id", id);
    answer.put("url", "/api/v1/storage/sweeps/" + id);
    return answer;
  }

  /** A sweep's report once it has ended, its status while it runs; 404 for no such sweep. */
  public Map<String, Object> sweep(String id) {
    if (!id.matches("[A-Za-z0-9._:-]{1,200}")) {
      throw ApiException.notFound("no sweep with id " + id);
    }
    Optional<Map<String, Object>> stored = read(StoreKeys.sweep(id));
    if (stored.isPresent()) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("status", "done");
      report.putAll(stored.get());
      return report;
    }
    try {
      WorkflowExecutionDescription description = temporal.newUntypedWorkflowStub(id).describe();
      if (!"StorageSweepWorkflow".equals(description.getWorkflowType())) {
        throw ApiException.notFound("no sweep with id " + id);
      }
      String status = description.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          ? "running" : "failed";
      return Map.of("id", id, "status", status);
    } catch (WorkflowNotFoundException e) {
      throw ApiException.notFound("no sweep with id " + id);
    }
  }

  private Map<String, Object> schedule() {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("id", StorageSweepWorkflow.SCHEDULE_ID);
    try {
      ScheduleClient schedules = ScheduleClient.newInstance(temporal.getWorkflowServiceStubs(),
          ScheduleClientOptions.newBuilder().setNamespace(temporal.getOptions().getNamespace()).build());
      ScheduleDescription description = schedules.getHandle(StorageSweepWorkflow.SCHEDULE_ID).describe();
      description.getSchedule().getSpec().getIntervals().stream().findFirst()
          .ifPresent(interval -> answer.put("interval", interval.getEvery().toString()));
      answer.put("paused", description.getSchedule().getState().isPaused());
      answer.put("next_runs", description.getInfo().getNextActionTimes().stream().limit(3)
          .map(Object::toString).toList());
      answer.put("ui", settings.uiUrl() + "/namespaces/" + settings.namespace() + "/schedules/"
          + StorageSweepWorkflow.SCHEDULE_ID);
    } catch (ScheduleException | io.grpc.StatusRuntimeException e) {
      answer.put("error", "no schedule: no worker has made it yet, or it was deleted");
    }
    return answer;
  }

  private Optional<Map<String, Object>> read(String key) {
    return store.open(key).map(in -> {
      try (InputStream stream = in) {
        @SuppressWarnings("unchecked")
        Map<String, Object> value = JSON.readValue(stream, Map.class);
        return value;
      } catch (IOException e) {
        throw new UncheckedIOException("could not read " + key, e);
      }
    });
  }

  /** A duration as a count of seconds: {@code 30s}, {@code 15m}, {@code 1h}, {@code 90d}, or a number of seconds. */
  static long seconds(String field, Object value) {
    if (value instanceof Number number && number.longValue() >= 0 && number.doubleValue() == number.longValue()) {
      return number.longValue();
    }
    Matcher m = value instanceof String text ? DURATION.matcher(text.trim()) : null;
    if (m == null || !m.matches()) {
      throw ApiException.badRequest(field + " must be a duration such as 30s, 15m, 1h or 90d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> n;
      case "m" -> n * 60;
      case "h" -> n * 3600;
      default -> n * 86400;
    };
  }
}
