package io.reprise.api.jobs;

import io.reprise.activities.audits.JobComparison;
import io.reprise.api.Ids;
import io.reprise.api.auth.Caller;
import io.reprise.api.web.ApiException;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@RestController
@RequestMapping("/api/v1/job")
class JobController {

  private final JobService jobs;
  private final JobListing listing;
  private final LogFollower follower;
  private final JobComparison comparison;

  JobController(JobService jobs, JobListing listing, LogFollower follower, JobComparison comparison) {
    this.jobs = jobs;
    this.listing = listing;
    this.follower = follower;
    this.comparison = comparison;
  }

  /** Starts a job from form fields; answers at once with the job id. */
  @PostMapping(consumes = {MediaType.APPLICATION_FORM_URLENCODED_VALUE, MediaType.MULTIPART_FORM_DATA_VALUE})
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, String> startFromForm(@RequestParam(name = "compendium_id", required = false) String compendiumId,
      @RequestParam(name = "user", required = false) String user,
      @RequestParam(name = "priority", required = false) String priority,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    return Map.of("job_id", jobs.start(Caller.current(), compendiumId, user, JobPriorities.parse(priority),
        idempotencyKey));
  }

  /**
   * Starts a job from a JSON body {@code {"compendium_id": "...", "user": "...", "priority": 3}}; priority runs
   * from 1 (first) to 5, within the caller's limit.
   */
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, String> startFromJson(@RequestBody(required = false) Map<String, Object> body,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    if (body == null) {
      throw ApiException.badRequest("the body must be a JSON object with compendium_id");
    }
    return Map.of("job_id", jobs.start(Caller.current(), text(body.get("compendium_id")), text(body.get("user")),
        JobPriorities.parse(body.get("priority")), idempotencyKey));
  }

  /**
   * Lists jobs, newest activity first, with filters and paging in the o2r style. A submitter sees their own jobs
   * only, unless the server lets submitters see all (REPRISE_SUBMITTERS_SEE_ALL).
   */
  @GetMapping({"", "/"})
  JobListing.Page list(@RequestParam(name = "limit", required = false) String limit,
      @RequestParam(name = "start", required = false) String start,
      @RequestParam(name = "cursor", required = false) String cursor,
      @RequestParam(name = "compendium_id", required = false) String compendiumIds,
      @RequestParam(name = "status", required = false) String status,
      @RequestParam(name = "user", required = false) String user,
      @RequestParam(name = "fields", required = false) String fields) {
    return listing.list(new JobListing.Query(limit, start, cursor, compendiumIds, status,
        listedUser(jobs, Caller.current(), user), fields));
  }

  /**
   * The user filter a caller's job list gets: a submitter who may not see all jobs lists their own, and naming
   * another user is refused rather than answered with an empty list that would look like "no jobs".
   */
  static String listedUser(JobService jobs, Caller caller, String user) {
    if (caller.readsAll() || jobs.submittersSeeAll()) {
      return user;
    }
    if (user == null || user.isBlank() || user.trim().equals(caller.user())) {
      return caller.user();
    }
    throw new ApiException(HttpStatus.FORBIDDEN, "submitters list only their own jobs on this server; leave user out"
        + " (you are " + caller.user() + ")");
  }

  /** The job workflow's Temporal event history as JSON, for operators. */
  @GetMapping(value = "/{id}/history", produces = MediaType.APPLICATION_JSON_VALUE)
  String history(@PathVariable String id) {
    return jobs.history(id);
  }

  /**
   * The job's logs as text, step by step: full logs where they are stored, the step text otherwise. They are
   * written on this thread as they are read from the store, so no log is held whole in memory; a
   * StreamingResponseBody returned to Spring would run under the async request timeout, which would cut off a
   * long download.
   */
  @GetMapping(value = "/{id}/logs", produces = MediaType.TEXT_PLAIN_VALUE)
  @ApiResponse(responseCode = "200", description = "OK",
      content = @Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string")))
  void logs(@PathVariable String id, HttpServletResponse response) throws IOException {
    StreamingResponseBody logs = jobs.logs(Caller.current(), id);
    response.setContentType(MediaType.TEXT_PLAIN_VALUE + ";charset=UTF-8");
    logs.writeTo(response.getOutputStream());
  }

  /**
   * Every stored file of the job as one zip ({@code <job id>/work/...}, {@code logs/...}, {@code manifest.json},
   * {@code provenance.json}), written on this thread as it is read from the store, as the logs are.
   */
  @GetMapping(value = "/{id}/archive", produces = "application/zip")
  @ApiResponse(responseCode = "200", description = "OK",
      content = @Content(mediaType = "application/zip", schema = @Schema(type = "string", format = "binary")))
  void archive(@PathVariable String id, HttpServletResponse response) throws IOException {
    StreamingResponseBody archive = jobs.archive(Caller.current(), id);
    response.setContentType("application/zip");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader(HttpHeaders.CONTENT_DISPOSITION,
        ContentDisposition.attachment().filename(id + ".zip").build().toString());
    archive.writeTo(response.getOutputStream());
  }

  /** With follow=true: server-sent events of step changes and new log lines until the job ends. */
  @GetMapping(value = "/{id}/logs", params = "follow=true", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter followLogs(@PathVariable String id) {
    return follower.follow(Caller.current(), id);
  }

  /**
   * The job; {@code ?steps=all} adds the end of each step log (its last 64 KiB) and details (image ids, exit code,
   * links); {@code ?wait=30} (seconds, at most 60) answers when the job has ended, or after that long with the job
   * still running.
   */
  @GetMapping({"/{id}", "/{id}/"})
  JobView view(@PathVariable String id, @RequestParam(name = "steps", required = false) String steps,
      @RequestParam(name = "wait", required = false) String wait) {
    if (steps != null && !steps.equals("all")) {
      throw ApiException.badRequest("steps takes only the value 'all'");
    }
    int seconds = waitSeconds(wait);
    return seconds == 0 ? jobs.view(Caller.current(), id, steps != null)
        : jobs.awaitView(Caller.current(), id, steps != null, seconds);
  }

  /** The seconds of ?wait=: a whole number from 0 to 60, with or without an s. */
  static int waitSeconds(String wait) {
    if (wait == null) {
      return 0;
    }
    String digits = wait.endsWith("s") ? wait.substring(0, wait.length() - 1) : wait;
    if (!digits.matches("[0-9]{1,2}") || Integer.parseInt(digits) > JobService.MAX_WAIT_SECONDS) {
      throw ApiException.badRequest("wait takes a number of seconds from 0 to " + JobService.MAX_WAIT_SECONDS
          + ", such as wait=30");
    }
    return Integer.parseInt(digits);
  }

  /**
   * Compares the outputs of two jobs file by file; reproduced is true when every output not ignored matches. A
   * submitter compares jobs they may see (their own), as they may read both.
   */
  @GetMapping("/{a}/compare/{b}")
  JobComparison.Comparison compare(@PathVariable String a, @PathVariable String b) {
    for (String id : List.of(a, b)) {
      if (!Ids.isValid(id)) {
        throw ApiException.notFound("no job with id " + id);
      }
    }
    Caller caller = Caller.current();
    jobs.requireVisible(caller, a);
    jobs.requireVisible(caller, b);
    return comparison.compare(a, b);
  }

  /**
   * Re-runs an ended job on its stored compendium with its recorded image; rebuild=true builds the image again and
   * reports whether its id is the same. Answers the new job's id at once.
   */
  @PostMapping("/{id}/rerun")
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, String> rerun(@PathVariable String id,
      @RequestParam(name = "rebuild", required = false, defaultValue = "false") boolean rebuild,
      @RequestParam(name = "user", required = false) String user,
      @RequestParam(name = "priority", required = false) String priority) {
    return Map.of("job_id", jobs.rerun(Caller.current(), id, rebuild, user, JobPriorities.parse(priority)),
        "rerun_of", id);
  }

  /** Cancels a running job; answers at once, while the job stops and cleans up. */
  @PostMapping("/{id}/cancel")
  @ResponseStatus(HttpStatus.ACCEPTED)
  Map<String, String> cancel(@PathVariable String id) {
    jobs.cancel(Caller.current(), id);
    return Map.of("job_id", id, "status", "cancelling");
  }

  /**
   * Streams one stored file of the job. A single {@code Range: bytes=a-b} (or {@code a-}, or {@code -n}) answers
   * 206 with that part; a range past the end answers 416. The files are a program's output, served from the API's
   * own origin, so no response may run in a browser: see {@link #untrusted}.
   */
  @GetMapping("/{id}/data/{*path}")
  ResponseEntity<InputStreamResource> data(@PathVariable String id, @PathVariable String path,
      @RequestHeader(name = HttpHeaders.RANGE, required = false) String range) {
    String relative = path.startsWith("/") ? path.substring(1) : path;
    JobService.StoredFile file = jobs.stat(Caller.current(), id, relative);
    MediaType type = MediaType.parseMediaType(file.contentType());
    if (range == null || range.isBlank()) {
      return untrusted(ResponseEntity.ok(), relative, type).contentType(type).contentLength(file.size())
          .header(HttpHeaders.ACCEPT_RANGES, "bytes")
          .body(new InputStreamResource(jobs.open(file, 0, file.size())));
    }
    List<HttpRange> ranges;
    try {
      ranges = HttpRange.parseRanges(range);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("the Range header is not of the form bytes=start-end");
    }
    if (ranges.size() != 1) {
      throw ApiException.badRequest("only one range per request is served");
    }
    long start;
    long end;
    try {
      start = ranges.get(0).getRangeStart(file.size());
      end = ranges.get(0).getRangeEnd(file.size());
    } catch (IllegalArgumentException e) {
      start = file.size();
      end = -1;
    }
    if (start >= file.size() || end < start) {
      throw ApiException.rangeNotSatisfiable(file.size());
    }
    long length = end - start + 1;
    return untrusted(ResponseEntity.status(HttpStatus.PARTIAL_CONTENT), relative, type).contentType(type)
        .contentLength(length)
        .header(HttpHeaders.ACCEPT_RANGES, "bytes")
        .header(HttpHeaders.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + file.size())
        .body(new InputStreamResource(jobs.open(file, start, length)));
  }

  /**
   * The headers that keep a stored file inert in a browser: no type sniffing, a sandbox with nothing allowed, and
   * every type that could run (HTML, SVG, XML, scripts, and anything not known to be passive) sent as a download.
   */
  private static ResponseEntity.BodyBuilder untrusted(ResponseEntity.BodyBuilder response, String path,
      MediaType type) {
    response.header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", "sandbox; default-src 'none'");
    boolean passive = PASSIVE_TYPES.stream().anyMatch(passiveType -> passiveType.equalsTypeAndSubtype(type));
    if (!passive) {
      String name = path.substring(path.lastIndexOf('/') + 1);
      response.header(HttpHeaders.CONTENT_DISPOSITION,
          ContentDisposition.attachment().filename(name, StandardCharsets.UTF_8).build().toString());
    }
    return response;
  }

  /** Types a browser shows as text or a picture and never runs; PDF is left out, since a PDF may hold scripts. */
  private static final List<MediaType> PASSIVE_TYPES = List.of(MediaType.TEXT_PLAIN, MediaType.valueOf("text/csv"),
      MediaType.valueOf("text/tab-separated-values"), MediaType.TEXT_MARKDOWN, MediaType.valueOf("text/x-python"),
      MediaType.valueOf("text/yaml"), MediaType.APPLICATION_JSON, MediaType.IMAGE_PNG, MediaType.IMAGE_JPEG,
      MediaType.IMAGE_GIF);

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
