package io.reprise.api.audits;

import io.reprise.api.auth.Caller;
import io.reprise.api.jobs.JobListing;
import io.reprise.api.jobs.JobPriorities;
import io.reprise.api.web.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

  private final AuditService audits;

  AuditController(AuditService audits) {
    this.audits = audits;
  }

  /**
   * Starts an audit from a JSON body: {@code job_ids} (a list), or {@code filter} with the job list's filters
   * ({@code compendium_id}, {@code status}, {@code user}) and an optional {@code limit}; then {@code parallelism}
   * (default 2), {@code rebuild} (default false), {@code user} and {@code priority} (1 to 5, within the caller's
   * limit; the re-runs inherit it). Answers at once with the audit's id.
   */
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, Object> start(@RequestBody(required = false) Map<String, Object> body) {
    if (body == null) {
      throw ApiException.badRequest("the body must be a JSON object with job_ids or filter");
    }
    for (String key : body.keySet()) {
      if (!List.of("job_ids", "filter", "limit", "parallelism", "rebuild", "user", "priority").contains(key)) {
        throw ApiException.badRequest("unknown key '" + key + "'; keys are job_ids, filter, limit, parallelism, "
            + "rebuild, user, priority");
      }
    }
    AuditService.AuditStarted started = audits.start(Caller.current(), new AuditService.Order(jobIds(body.get("job_ids")),
        filter(body.get("filter")), integer(body, "limit"), integer(body, "parallelism"),
        bool(body, "rebuild"), text(body.get("user"), "user"), JobPriorities.parse(body.get("priority"))));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("audit_id", started.auditId());
    answer.put("jobs", started.jobs());
    answer.put("url", "/api/v1/audit/" + started.auditId());
    return answer;
  }

  /** The newest audits' ids, running ones first. */
  @GetMapping({"", "/"})
  Map<String, List<String>> list() {
    return Map.of("results", audits.list());
  }

  /** Progress while the audit runs; the verdicts and the reproducibility rate when it is done. */
  @GetMapping({"/{id}", "/{id}/"})
  AuditView view(@PathVariable String id) {
    return audits.view(id);
  }

  /** Cancels a running audit: running re-runs are cancelled and clean up, jobs not yet started are skipped. */
  @PostMapping("/{id}/cancel")
  @ResponseStatus(HttpStatus.ACCEPTED)
  Map<String, String> cancel(@PathVariable String id) {
    audits.cancel(Caller.current(), id);
    return Map.of("audit_id", id, "status", "cancelling");
  }

  private static List<String> jobIds(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof List<?> list)) {
      throw ApiException.badRequest("job_ids must be a list of job ids");
    }
    List<String> ids = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof String id)) {
        throw ApiException.badRequest("job_ids must be a list of job ids");
      }
      ids.add(id.trim());
    }
    return ids;
  }

  /** The job list's filters; compendium_id may be a list or a comma-separated text, as in the list's query. */
  private static JobListing.Query filter(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw ApiException.badRequest("filter must be an object with compendium_id, status or user");
    }
    for (Object key : map.keySet()) {
      if (!List.of("compendium_id", "status", "user").contains(String.valueOf(key))) {
        throw ApiException.badRequest("unknown filter '" + key + "'; filters are compendium_id, status, user");
      }
    }
    Object compendia = map.get("compendium_id");
    String compendiumIds = compendia instanceof List<?> list
        ? String.join(",", list.stream().map(String::valueOf).toList()) : text(compendia, "compendium_id");
    return new JobListing.Query(null, null, null, compendiumIds, text(map.get("status"), "status"),
        text(map.get("user"), "user"), null);
  }

  private static Integer integer(Map<String, Object> body, String key) {
    Object value = body.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer number)) {
      throw ApiException.badRequest(key + " must be a whole number");
    }
    return number;
  }

  private static boolean bool(Map<String, Object> body, String key) {
    Object value = body.get(key);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean flag)) {
      throw ApiException.badRequest(key + " must be true or false");
    }
    return flag;
  }

  private static String text(Object value, String key) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw ApiException.badRequest(key + " must be a text");
    }
    return text;
  }
}
