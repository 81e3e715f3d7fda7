package io.reprise.api.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.reprise.api.auth.Caller;
import io.reprise.api.web.ApiException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;

/**
 * Who acted on a workflow. A job or audit keeps in its memo, from its start, on whose behalf it runs and who
 * started it (and, for a re-run, who re-ran); a cancellation is sent with the caller as Temporal's request identity,
 * so the history's cancel-requested event names who cancelled.
 */
public final class Actors {

  /** The memo key of the {@link Actor}; the workflows never write it, so it stays as the API set it. */
  public static final String MEMO_KEY = "actor";
  /** What a cancel request from the API carries as its identity, before the user's name. */
  static final String IDENTITY_PREFIX = "reprise:";

  private Actors() {}

  /**
   * @param user on whose behalf the workflow runs
   * @param submittedBy who called the API to start it
   * @param rerunBy for a re-run, who asked for it
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Actor(String user, @JsonProperty("submitted_by") String submittedBy,
      @JsonProperty("rerun_by") String rerunBy) {}

  public static Map<String, Object> memo(Actor actor) {
    return Map.of(MEMO_KEY, actor);
  }

  public static Actor of(WorkflowExecutionDescription description) {
    return description.getMemo(MEMO_KEY, Actor.class, Actor.class);
  }

  /**
   * On whose behalf the caller acts: themselves when the request names no user or names them; another user only
   * for an operator. Anyone else naming another user is refused, not silently ignored, so a script that relied
   * on the old free-text field learns that it no longer works.
   */
  public static String onBehalfOf(Caller caller, String requested) {
    if (requested == null || requested.isBlank() || requested.trim().equals(caller.user())) {
      return caller.user();
    }
    String user = requested.trim();
    if (!caller.isOperator()) {
      throw new ApiException(HttpStatus.FORBIDDEN, "only operators may act on behalf of another user; leave user "
          + "out (you are " + caller.user() + ")");
    }
    if (!JobService.isValidUser(user)) {
      throw ApiException.badRequest("user may hold only letters, digits and . _ @ - (at most 64)");
    }
    return user;
  }

  /** Asks Temporal to cancel the workflow in the caller's name. */
  public static void cancel(WorkflowClient temporal, String workflowId, Caller caller) {
    temporal.getWorkflowServiceStubs().blockingStub().requestCancelWorkflowExecution(
        RequestCancelWorkflowExecutionRequest.newBuilder()
            .setNamespace(temporal.getOptions().getNamespace())
            .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .setIdentity(IDENTITY_PREFIX + caller.user())
            .setReason("cancelled by " + caller.user() + " (" + caller.role().wireName() + ") through the Reprise "
                + "API")
            .setRequestId(UUID.randomUUID().toString())
            .build());
  }

  /**
   * Who asked to cancel the workflow, from its history; null when nobody did. Only a workflow whose cancellation
   * was asked for (or that ended cancelled) has its history read, so other views cost nothing more.
   */
  public static String cancelledBy(WorkflowClient temporal, String workflowId,
      WorkflowExecutionDescription description) {
    boolean asked = description.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED
        || description.getRawDescription().getWorkflowExtendedInfo().getCancelRequested();
    if (!asked) {
      return null;
    }
    List<HistoryEvent> events = temporal.fetchHistory(workflowId).getEvents();
    for (int i = events.size() - 1; i >= 0; i--) {
      HistoryEvent event = events.get(i);
      if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED) {
        String identity = event.getWorkflowExecutionCancelRequestedEventAttributes().getIdentity();
        if (identity.startsWith(IDENTITY_PREFIX)) {
          return identity.substring(IDENTITY_PREFIX.length());
        }
        // Cancelled by another Temporal client (the CLI, the Web UI, a parent audit): its identity names a process
        // and a host, not a Reprise user, and is not shown.
        return null;
      }
    }
    return null;
  }
}
