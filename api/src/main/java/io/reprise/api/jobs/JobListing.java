package io.reprise.api.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.reprise.api.Ids;
import io.reprise.api.web.ApiException;
import io.reprise.workflows.jobs.JobPriority;
import io.reprise.workflows.jobs.JobSearchAttributes;
import io.reprise.workflows.jobs.JobState;
import io.reprise.workflows.jobs.JobStatus;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Lists jobs through Temporal visibility: filters are search-attribute queries and pages follow Temporal's page
 * token, so there is no second database. Temporal's order applies: running jobs first, newest started first, then
 * finished jobs, most recently finished first. (The SQLite visibility store of the dev server does not take ORDER
 * BY.) A page token names the last item seen, so following {@code next} visits every job once even while new jobs
 * arrive at the front.
 */
@Component
public class JobListing {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  private static final Set<String> FIELDS = Set.of("status", "user", "compendium_id", "created", "priority");
  private static final Set<String> STATUSES = Set.of("success", "failure", "running");

  private final WorkflowClient temporal;
  private final String namespace;

  public JobListing(WorkflowClient temporal) {
    this.temporal = temporal;
    this.namespace = temporal.getOptions().getNamespace();
  }

  /** The parameters of {@code GET /api/v1/job}, as they came. */
  public record Query(String limit, String start, String cursor, String compendiumIds, String status, String user,
      String fields) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Page(List<Object> results, String next, String previous) {}

  public Page list(Query query) {
    int limit = limit(query.limit());
    List<String> fields = fields(query.fields());
    String visibilityQuery = visibilityQuery(query);
    ByteString token = ByteString.EMPTY;
    int position = 1;
    if (query.cursor() != null && !query.cursor().isBlank()) {
      Cursor cursor = Cursor.decode(query.cursor());
      token = cursor.token();
      position = cursor.position();
    } else if (query.start() != null && !query.start().isBlank()) {
      position = positive("start", query.start(), Integer.MAX_VALUE);
      // o2r's 1-based start: walk the pages up to it. Cursors are the fast way for deep pages.
      int skip = position - 1;
      while (skip > 0) {
        ListWorkflowExecutionsResponse skipped = fetch(visibilityQuery, Math.min(skip, MAX_LIMIT), token);
        skip -= skipped.getExecutionsCount();
        token = skipped.getNextPageToken();
        if (skipped.getExecutionsCount() == 0 || token.isEmpty()) {
          if (skip > 0) {
            return new Page(List.of(), null, link(query, limit, null, Math.max(1, position - limit)));
          }
          break;
        }
      }
    }
    ListWorkflowExecutionsResponse page;
    try {
      page = fetch(visibilityQuery, limit, token);
    } catch (StatusRuntimeException e) {
      // A cursor passes its check yet holds a token Temporal cannot read: one from before a Temporal upgrade, or
      // one made by hand. That is the client's to fix, not an outage.
      if (!token.isEmpty() && e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        throw ApiException.badRequest(Cursor.REFUSED);
      }
      throw e;
    }
    List<Object> results = new ArrayList<>();
    for (WorkflowExecutionInfo info : page.getExecutionsList()) {
      results.add(fields.isEmpty() ? info.getExecution().getWorkflowId() : item(info, fields));
    }
    String next = page.getNextPageToken().isEmpty() || results.size() < limit ? null
        : link(query, limit, new Cursor(page.getNextPageToken(), position + results.size()).encode(), null);
    String previous = position > 1 ? link(query, limit, null, Math.max(1, position - limit)) : null;
    return new Page(results, next, previous);
  }

  /** The ids of the first thousand workflows a visibility query matches, in Temporal's order. */
  public List<String> ids(String visibilityQuery) {
    return fetch(visibilityQuery, MAX_LIMIT, ByteString.EMPTY).getExecutionsList().stream()
        .map(info -> info.getExecution().getWorkflowId()).toList();
  }

  /**
   * The workflows a visibility query matches, in Temporal's order, with their search attributes and memo; at
   * most {@code max}, read page by page.
   */
  public List<WorkflowExecutionInfo> executions(String visibilityQuery, int max) {
    List<WorkflowExecutionInfo> found = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse page = fetch(visibilityQuery, Math.min(MAX_LIMIT, max - found.size()), token);
      found.addAll(page.getExecutionsList());
      token = page.getNextPageToken();
      if (page.getExecutionsCount() == 0) {
        break;
      }
    } while (!token.isEmpty() && found.size() < max);
    return found.size() > max ? List.copyOf(found.subList(0, max)) : found;
  }

  private ListWorkflowExecutionsResponse fetch(String query, int pageSize, ByteString token) {
    return temporal.getWorkflowServiceStubs().blockingStub().listWorkflowExecutions(
        ListWorkflowExecutionsRequest.newBuilder()
            .setNamespace(namespace)
            .setQuery(query)
            .setPageSize(pageSize)
            .setNextPageToken(token)
            .build());
  }

  private Map<String, Object> item(WorkflowExecutionInfo info, List<String> fields) {
    DataConverter converter = temporal.getOptions().getDataConverter();
    Map<String, Payload> attributes = info.getSearchAttributes().getIndexedFieldsMap();
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("id", info.getExecution().getWorkflowId());
    for (String field : fields) {
      switch (field) {
        case "status" -> item.put("status",
            status(text(converter, attributes.get(JobSearchAttributes.STATUS.getName())), info));
        case "user" -> item.put("user", text(converter, attributes.get(JobSearchAttributes.SUBMITTER.getName())));
        case "compendium_id" -> item.put("compendium_id",
            text(converter, attributes.get(JobSearchAttributes.COMPENDIUM_ID.getName())));
        case "created" -> item.put("created", Instant.ofEpochSecond(info.getStartTime().getSeconds(),
            info.getStartTime().getNanos()).toString());
        case "priority" -> item.put("priority", priority(converter, info));
        default -> throw new IllegalStateException("unchecked field " + field);
      }
    }
    return item;
  }

  /**
   * The job's priority: Temporal's list does not return a workflow's priority, so it comes from the memo, where the
   * API records it at start; an audit's re-run has it in its published state (inherited from the audit). Null for
   * jobs from before priorities.
   */
  private static Integer priority(DataConverter converter, WorkflowExecutionInfo info) {
    Map<String, Payload> memo = info.getMemo().getFieldsMap();
    Payload recorded = memo.get(JobPriority.MEMO_KEY);
    if (recorded != null) {
      return converter.fromPayload(recorded, Integer.class, Integer.class);
    }
    Payload state = memo.get(JobState.MEMO_KEY);
    return state == null ? null : converter.fromPayload(state, JobState.class, JobState.class).priority();
  }

  private static String text(DataConverter converter, Payload payload) {
    return payload == null ? null : converter.fromPayload(payload, String.class, String.class);
  }

  static int limit(String value) {
    return value == null || value.isBlank() ? DEFAULT_LIMIT : positive("limit", value, MAX_LIMIT);
  }

  private static int positive(String name, String value, int max) {
    int number;
    try {
      number = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a whole number, not '" + value + "'");
    }
    if (number < 1 || number > max) {
      throw ApiException.badRequest(name + " must be between 1 and " + max);
    }
    return number;
  }

  /** The extra keys asked for; spaces and empty items are tolerated, unknown names are refused. */
  static List<String> fields(String value) {
    if (value == null) {
      return List.of();
    }
    Set<String> fields = new LinkedHashSet<>();
    for (String field : value.split(",")) {
      String name = field.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (!FIELDS.contains(name)) {
        throw ApiException.badRequest("unknown field '" + name + "'; fields are " + String.join(", ",
            FIELDS.stream().sorted().toList()));
      }
      fields.add(name);
    }
    return List.copyOf(fields);
  }

  /** The visibility query; every value in it has been checked against a strict alphabet first. */
  public static String visibilityQuery(Query query) {
    StringBuilder q = new StringBuilder("WorkflowType = 'JobWorkflow'");
    if (query.compendiumIds() != null && !query.compendiumIds().isBlank()) {
      List<String> ids = Arrays.stream(query.compendiumIds().split(",")).map(String::trim)
          .filter(id -> !id.isEmpty()).toList();
      for (String id : ids) {
        if (!Ids.isValid(id)) {
          throw ApiException.badRequest("compendium_id '" + id + "' is not a compendium id");
        }
      }
      if (!ids.isEmpty()) {
        q.append(" AND ").append(JobSearchAttributes.COMPENDIUM_ID.getName()).append(" IN (")
            .append(String.join(", ", ids.stream().map(id -> "'" + id + "'").toList())).append(")");
      }
    }
    if (query.status() != null && !query.status().isBlank()) {
      String status = query.status().trim();
      if (!STATUSES.contains(status)) {
        throw ApiException.badRequest("status must be one of success, failure, running");
      }
      q.append(" AND ").append(statusQuery(status));
    }
    if (query.user() != null && !query.user().isBlank()) {
      String user = query.user().trim();
      if (!JobService.isValidUser(user)) {
        throw ApiException.badRequest("user may hold only letters, digits and . _ @ - (at most 64)");
      }
      q.append(" AND ").append(JobSearchAttributes.SUBMITTER.getName()).append(" = '").append(user).append("'");
    }
    return q.toString();
  }

  // The execution states of a workflow ended from outside (JobService.endedBy): its search attribute still says
  // running, as the workflow never set its end.
  private static final String ENDED_FROM_OUTSIDE = "ExecutionStatus IN ('Terminated', 'TimedOut', 'Canceled', "
      + "'Failed')";

  /**
   * The filter for a status as the job view shows it: RepriseStatus, which the workflow sets as it ends, and for
   * a workflow terminated or timed out before it could, the execution's own status: such a job is a failure.
   */
  static String statusQuery(String status) {
    String attribute = JobSearchAttributes.STATUS.getName();
    return switch (status) {
      case "running" -> attribute + " = 'running' AND ExecutionStatus = 'Running'";
      case "failure" -> "(" + attribute + " = 'failure' OR (" + attribute + " = 'running' AND " + ENDED_FROM_OUTSIDE
          + "))";
      default -> attribute + " = '" + status + "'";
    };
  }

  /** The status the job view shows: the search attribute, unless the workflow was ended from outside. */
  static String status(String attribute, WorkflowExecutionInfo info) {
    if ("running".equals(attribute) && JobService.endedBy(info.getStatus()) != null) {
      return "failure";
    }
    return attribute;
  }

  private static String link(Query query, int limit, String cursor, Integer start) {
    UriComponentsBuilder uri = UriComponentsBuilder.fromPath("/api/v1/job").queryParam("limit", limit);
    if (query.compendiumIds() != null) {
      uri.queryParam("compendium_id", query.compendiumIds());
    }
    if (query.status() != null) {
      uri.queryParam("status", query.status());
    }
    if (query.user() != null) {
      uri.queryParam("user", query.user());
    }
    if (query.fields() != null) {
      uri.queryParam("fields", query.fields());
    }
    if (cursor != null) {
      uri.queryParam("cursor", cursor);
    }
    if (start != null) {
      uri.queryParam("start", start);
    }
    return uri.encode().build().toUriString();
  }

  /**
   * An opaque cursor: Temporal's page token and the 1-based position of the page it starts, behind a check of
   * four bytes of SHA-256 over both. The check is not a secret: it only tells a cursor this server made from
   * garbage, which Temporal would otherwise have to refuse.
   */
  record Cursor(ByteString token, int position) {
    private static final String REFUSED = "cursor is not one this server made; follow the next link as it is";

    String encode() {
      byte[] tokenBytes = token.toByteArray();
      byte[] bytes = new byte[8 + tokenBytes.length];
      writeInt(bytes, 0, position);
      System.arraycopy(tokenBytes, 0, bytes, 8, tokenBytes.length);
      writeInt(bytes, 4, check(bytes));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static Cursor decode(String text) {
      byte[] bytes;
      try {
        bytes = Base64.getUrlDecoder().decode(text.trim());
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(REFUSED);
      }
      if (bytes.length < 9 || readInt(bytes, 4) != check(bytes)) {
        throw ApiException.badRequest(REFUSED);
      }
      return new Cursor(ByteString.copyFrom(bytes, 8, bytes.length - 8), Math.max(1, readInt(bytes, 0)));
    }

    /** SHA-256 over the position and the token (bytes 4 to 7, where the check goes, left out). */
    private static int check(byte[] bytes) {
      try {
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        digest.update("reprise-cursor".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        digest.update(bytes, 0, 4);
        digest.update(bytes, 8, bytes.length - 8);
        return readInt(digest.digest(), 0);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
      }
    }

    private static void writeInt(byte[] bytes, int at, int value) {
      bytes[at] = (byte) (value >>> 24);
      bytes[at + 1] = (byte) (value >>> 16);
      bytes[at + 2] = (byte) (value >>> 8);
      bytes[at + 3] = (byte) value;
    }

    private static int readInt(byte[] bytes, int at) {
      return ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8)
          | (bytes[at + 3] & 0xff);
    }
  }
}
