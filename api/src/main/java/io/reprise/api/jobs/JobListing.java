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
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Lists jobs through Temporal visibility: filters are search-attribute queries, so there is no second database.
 * The list is newest first by creation (the workflow's start time, then its id). Pages are keyset pages: a cursor
 * holds the last job's start time and id, and the next page is the jobs that sort after it. Start times never
 * change, so following {@code next} visits every job that existed at the first page exactly once, while jobs start
 * and end; jobs created since sort before the cursor and are not among later pages.
 */
@Component
public class JobListing {

  private static final Logger log = LoggerFactory.getLogger(JobListing.class);

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  private static final Set<String> FIELDS = Set.of("status", "user", "compendium_id", "created", "finished", "priority");
  private static final Set<String> STATUSES = Set.of("success", "failure", "running");

  private static final Duration MIN_SPAN = Duration.ofMillis(1);
  private static final Duration MAX_SPAN = Duration.ofDays(36_500);
  // First pages remember where they lay, by query and limit, as the hint for the next first page.
  private static final int REMEMBERED_HINTS = 512;

  private final WorkflowClient temporal;
  private final String namespace;
  private final Map<String, Hint> firstPageHints = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Hint> eldest) {
          return size() > REMEMBERED_HINTS;
        }
      });

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
    String hintKey = limit + " " + visibilityQuery;
    Key after = null;
    int position = 1;
    Hint hint = null;
    if (query.cursor() != null && !query.cursor().isBlank()) {
      Cursor cursor = Cursor.decode(query.cursor());
      after = cursor.after();
      position = cursor.position();
      hint = cursor.span() == null ? null : new Hint(after.startTime(), cursor.span());
    } else if (query.start() != null && !query.start().isBlank()) {
      position = positive("start", query.start(), Integer.MAX_VALUE);
      // o2r's 1-based start: walk the pages up to it. Cursors are the fast way for deep pages.
      int skip = position - 1;
      while (skip > 0) {
        Slice skipped = slice(visibilityQuery, after, Math.min(skip, MAX_LIMIT), hint);
        if (skipped.executions().isEmpty()) {
          break;
        }
        skip -= skipped.executions().size();
        Hint reached = Hint.after(skipped.executions(), after);
        after = Key.of(skipped.executions().get(skipped.executions().size() - 1));
        hint = new Hint(after.startTime(), reached.span());
        if (!skipped.more()) {
          break;
        }
      }
      if (skip > 0) {
        return new Page(List.of(), null, link(query, limit, null, Math.max(1, position - limit)));
      }
    } else {
      hint = firstPageHints.get(hintKey);
    }
    Slice page = slice(visibilityQuery, after, limit, hint);
    List<Object> results = new ArrayList<>();
    for (WorkflowExecutionInfo info : page.executions()) {
      results.add(fields.isEmpty() ? info.getExecution().getWorkflowId() : item(info, fields));
    }
    Hint reached = Hint.after(page.executions(), after);
    if (after == null && reached != null) {
      firstPageHints.put(hintKey, reached);
    }
    String next = !page.more() ? null : link(query, limit,
        new Cursor(Key.of(page.executions().get(page.executions().size() - 1)), position + results.size(),
            reached.span()).encode(),
        null);
    String previous = position > 1 ? link(query, limit, null, Math.max(1, position - limit)) : null;
    return new Page(results, next, previous);
  }

  /** Up to {@code limit} executions, newest first, after a key; and whether more follow them. */
  record Slice(List<WorkflowExecutionInfo> executions, boolean more) {}

  /**
   * Where a page of a listing began ({@code upper}: the start time of the job it follows, or of its own newest job)
   * and how far back from there it reached: a guess at where the next such page lies.
   */
  record Hint(Instant upper, Duration span) {
    /** The hint a page leaves for the page after it; null for an empty page. */
    static Hint after(List<WorkflowExecutionInfo> page, Key previous) {
      if (page.isEmpty()) {
        return null;
      }
      Instant upper = previous != null ? previous.startTime() : Key.of(page.get(0)).startTime();
      Duration span = Duration.between(Key.of(page.get(page.size() - 1)).startTime(), upper);
      return new Hint(upper, span.compareTo(MIN_SPAN) < 0 ? MIN_SPAN : span);
    }
  }

  /**
   * Newest first by start time (then by id, descending) after the given key. Temporal's SQLite visibility returns
   * its own order (running first, then by close time) and takes no ORDER BY, so a page is a window of start times
   * read whole and sorted here. Reading is what costs (about a third of a millisecond a job on the dev server,
   * mostly its search attributes); counting costs a few milliseconds whatever the count. So with a hint (where the
   * previous page of this listing lay), the window is guessed from it and counted, stretched or shrunk in
   * proportion until it holds the page and not much more, and then read once. Without a hint, or when counting
   * does not settle, the window is found by sampling. The hint only decides how many reads a page takes, never
   * which jobs it holds: a window is always read whole and every job outside it sorts after every job in it.
   */
  Slice slice(String visibilityQuery, Key after, int limit, Hint hint) {
    String bounded = after == null ? visibilityQuery
        : visibilityQuery + " AND StartTime <= '" + after.startTime() + "'";
    if (hint == null) {
      return sampled(bounded, after, limit);
    }
    int wanted = limit + 1;
    // The window may hold the job the key names and any that share its start time, which sort before the key.
    long enough = wanted + 2;
    long plenty = enough + enough / 2 + 8;
    int cap = (int) Math.max(2 * plenty, 64);
    // A quarter more than the hint, for jobs arriving a little faster; a made-up cursor's hint is cut to a century.
    Duration reach = hint.span().compareTo(MAX_SPAN) > 0 ? MAX_SPAN : hint.span();
    reach = reach.plus(reach.dividedBy(4));
    long total = -1;
    long previous = -1;
    for (int round = 0; round < GUESSES; round++) {
      Instant from = hint.upper().minus(reach);
      String window = since(bounded, from);
      long held = count(window);
      if (held >= enough && held <= plenty) {
        // Read the window whole, whatever the count said: jobs created since (a first page's window has no upper
        // bound) come first in Temporal's order, and a read that stopped at the count would miss older ones.
        Slice page = whole(window, bounded, after, limit, cap);
        if (page != null) {
          return page;
        }
        // Fewer than counted sort after the key (it and jobs of its start time were among them): sample.
        break;
      }
      if (held < enough && held == previous) {
        // Stretching found no more: perhaps few are left. Counting them all is the dearest count (it grows with the
        // namespace), so it waits for this sign.
        total = total >= 0 ? total : count(bounded);
        if (total <= plenty) {
          // Few are left: read them all, in one go.
          Slice page = whole(bounded, bounded, after, limit, cap);
          return page != null ? page : top(List.of(), limit);
        }
      }
      previous = held;
      // Stretch or shrink the reach in proportion to what the count found, aiming a little above enough.
      double factor = held == 0 ? 8.0 : Math.min(8.0, Math.max(0.05, (enough + enough / 4.0) / held));
      reach = Duration.ofNanos(Math.max(MIN_SPAN.toNanos(), (long) Math.min(MAX_SPAN.toNanos(),
          reach.toNanos() * factor)));
    }
    return sampled(bounded, after, limit);
  }

  /**
   * The page from a window read whole; a window that turns out to hold more than {@code cap} (jobs started since it
   * was counted) is narrowed from what was read instead, as a sampled one is. Null when the window holds fewer
   * than the page and is not all of {@code bounded}: then older jobs belong on the page too.
   */
  private Slice whole(String window, String bounded, Key after, int limit, int cap) {
    List<WorkflowExecutionInfo> found = read(window, after, cap + 1, Math.min(MAX_LIMIT, cap + 1));
    if (found.size() <= limit && !window.equals(bounded)) {
      return null;
    }
    if (found.size() <= cap) {
      return top(found, limit);
    }
    return window(bounded, after, limit, oldestOfNewest(found, limit + 1));
  }

  // Counts of a guessed window before sampling is used instead.
  private static final int GUESSES = 4;

  /** The number of executions a visibility query matches. */
  private long count(String query) {
    log.debug("count {}", query);
    return temporal.getWorkflowServiceStubs().blockingStub().countWorkflowExecutions(
        CountWorkflowExecutionsRequest.newBuilder().setNamespace(namespace).setQuery(query).build()).getCount();
  }

  /**
   * The page found by sampling: any {@code limit + 1} executions after the key bound the window of start times that
   * must hold the newest {@code limit + 1} (at least that many started at or after the oldest of them); the second
   * read takes that window whole. The sample is of ended jobs, whose order is nearly that of their start, so the
   * window holds little more than the page.
   */
  private Slice sampled(String bounded, Key after, int limit) {
    int wanted = limit + 1;
    // Ended jobs come in order of their end, which for most jobs is close to their start; running ones come first
    // whenever they started, so a job that has run for hours would widen the window to hours. The sample is of
    // ended jobs, then, and of all jobs only when fewer than that have ended.
    List<WorkflowExecutionInfo> sample = read(bounded + " AND ExecutionStatus != 'Running'", after, wanted, wanted);
    if (sample.size() < wanted) {
      sample = read(bounded, after, wanted, wanted);
      if (sample.size() < wanted) {
        // Fewer than asked for: read() stopped at the end, so these are all of them.
        return top(sample, limit);
      }
    }
    return window(bounded, after, limit, oldestOfNewest(sample, wanted));
  }

  /**
   * The page from the window of start times from {@code oldest} on, which holds at least {@code limit + 1} jobs.
   * When the window holds far more than needed (long-running jobs started long ago come first in Temporal's order),
   * it is narrowed the same way, from what was read, before it is read whole.
   */
  private Slice window(String bounded, Key after, int limit, Instant oldest) {
    int wanted = limit + 1;
    int cap = Math.max(2 * wanted, 64);
    for (int round = 0; ; round++) {
      String window = since(bounded, oldest);
      // The last round reads the window whole, however large; earlier rounds stop at the cap and narrow.
      int max = round < 8 ? cap : Integer.MAX_VALUE - 1;
      List<WorkflowExecutionInfo> found = read(window, after, max + 1, Math.min(MAX_LIMIT, max + 1));
      if (found.size() <= max) {
        return top(found, limit);
      }
      Instant narrower = oldestOfNewest(found, wanted);
      if (!narrower.isAfter(oldest)) {
        // As narrow as start times allow: read it whole on the next round.
        round = 8;
      }
      oldest = narrower;
    }
  }

  /** The query narrowed to executions that started at or after the instant. */
  private static String since(String query, Instant from) {
    return query + " AND StartTime >= '" + from + "'";
  }

  /**
   * The start time of the {@code wanted}-th newest of some executions (at least that many): at least {@code wanted}
   * jobs started at or after it, so the newest {@code wanted} of all lie in the window from it on.
   */
  private static Instant oldestOfNewest(List<WorkflowExecutionInfo> executions, int wanted) {
    return Key.of(top(executions, wanted).executions().get(wanted - 1)).startTime();
  }

  /** Up to {@code max} executions of a query that sort after the key, read in pages of {@code pageSize}. */
  private List<WorkflowExecutionInfo> read(String query, Key after, int max, int pageSize) {
    log.debug("read up to {} of {}", max, query);
    List<WorkflowExecutionInfo> found = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse page = fetch(query, pageSize, token);
      for (WorkflowExecutionInfo info : page.getExecutionsList()) {
        if (after == null || Key.of(info).compareTo(after) > 0) {
          found.add(info);
        }
      }
      token = page.getNextPageToken();
      if (page.getExecutionsCount() == 0) {
        break;
      }
    } while (!token.isEmpty() && found.size() < max);
    return found;
  }

  /** The first {@code limit} in the list's order, and whether there were more. */
  private static Slice top(List<WorkflowExecutionInfo> executions, int limit) {
    List<WorkflowExecutionInfo> sorted = new ArrayList<>(executions);
    sorted.sort(Comparator.comparing(Key::of));
    return sorted.size() > limit ? new Slice(List.copyOf(sorted.subList(0, limit)), true)
        : new Slice(List.copyOf(sorted), false);
  }

  /**
   * A job's place in the list: start time, newest first, then workflow id, descending. Comparing two keys gives
   * the list's order (the smaller comes first).
   */
  record Key(Instant startTime, String workflowId) implements Comparable<Key> {
    static Key of(WorkflowExecutionInfo info) {
      return new Key(Instant.ofEpochSecond(info.getStartTime().getSeconds(), info.getStartTime().getNanos()),
          info.getExecution().getWorkflowId());
    }

    @Override
    public int compareTo(Key other) {
      int byTime = other.startTime.compareTo(startTime);
      return byTime != 0 ? byTime : other.workflowId.compareTo(workflowId);
    }
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
        case "finished" -> item.put("finished", info.hasCloseTime() ? Instant.ofEpochSecond(
            info.getCloseTime().getSeconds(), info.getCloseTime().getNanos()).toString() : null);
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
   * An opaque cursor: the key of the last job of the page (its start time and id), the 1-based position of the
   * page it starts, and how far back the page reached (the hint for the next one), behind a check of four bytes of
   * SHA-256 over them. The check is not a secret: it only tells a cursor this server made from garbage, which would
   * otherwise make a visibility query of its own. Cursors of the version before spans (no span) are still read.
   */
  record Cursor(Key after, int position, Duration span) {
    static final String REFUSED = "cursor is not one this server made; follow the next link as it is";
    private static final String VERSION_2 = "reprise-cursor-2";
    private static final String VERSION_3 = "reprise-cursor-3";
    // position, check, seconds, nanos; then, from version 3, the span in nanoseconds; then the id.
    private static final int KEY_BYTES = 20;
    private static final int SPAN_BYTES = 8;
    // 9999-12-31T23:59:59Z: the check is not a secret, so a made-up cursor may hold any number here.
    private static final long LAST_SECOND = 253_402_300_799L;

    Cursor(Key after, int position) {
      this(after, position, null);
    }

    String encode() {
      byte[] id = after.workflowId().getBytes(StandardCharsets.UTF_8);
      boolean withSpan = span != null;
      ByteBuffer bytes = ByteBuffer.allocate(KEY_BYTES + (withSpan ? SPAN_BYTES : 0) + id.length);
      bytes.putInt(position).putInt(0).putLong(after.startTime().getEpochSecond())
          .putInt(after.startTime().getNano());
      if (withSpan) {
        bytes.putLong(saturatedNanos(span));
      }
      bytes.put(id);
      byte[] array = bytes.array();
      ByteBuffer.wrap(array).putInt(4, check(withSpan ? VERSION_3 : VERSION_2, array));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(array);
    }

    static Cursor decode(String text) {
      byte[] bytes;
      try {
        bytes = Base64.getUrlDecoder().decode(text.trim());
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(REFUSED);
      }
      if (bytes.length < KEY_BYTES + 1) {
        throw ApiException.badRequest(REFUSED);
      }
      int check = ByteBuffer.wrap(bytes).getInt(4);
      boolean withSpan;
      if (bytes.length > KEY_BYTES + SPAN_BYTES && check == check(VERSION_3, bytes)) {
        withSpan = true;
      } else if (check == check(VERSION_2, bytes)) {
        withSpan = false;
      } else {
        throw ApiException.badRequest(REFUSED);
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      int position = buffer.getInt(0);
      long seconds = buffer.getLong(8);
      int nanos = buffer.getInt(16);
      Duration span = null;
      int idAt = KEY_BYTES;
      if (withSpan) {
        long spanNanos = buffer.getLong(KEY_BYTES);
        span = spanNanos > 0 ? Duration.ofNanos(spanNanos) : null;
        idAt += SPAN_BYTES;
      }
      String id = new String(bytes, idAt, bytes.length - idAt, StandardCharsets.UTF_8);
      // The check passed, so this server made it; the id only goes into comparisons, never into a query.
      if (nanos < 0 || nanos > 999_999_999 || seconds < 0 || seconds > LAST_SECOND) {
        throw ApiException.badRequest(REFUSED);
      }
      return new Cursor(new Key(Instant.ofEpochSecond(seconds, nanos), id), Math.max(1, position), span);
    }

    private static long saturatedNanos(Duration span) {
      try {
        return span.toNanos();
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }

    /** SHA-256 over the version and everything but bytes 4 to 7, where the check goes. */
    private static int check(String version, byte[] bytes) {
      try {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(version.getBytes(StandardCharsets.US_ASCII));
        digest.update(bytes, 0, 4);
        digest.update(bytes, 8, bytes.length - 8);
        return ByteBuffer.wrap(digest.digest()).getInt(0);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
      }
    }
  }
}
