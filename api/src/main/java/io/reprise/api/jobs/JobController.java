package io.reprise.api.jobs;

import io.reprise.api.web.ApiException;
import java.util.Map;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/job")
class JobController {

  private final JobService jobs;

  JobController(JobService jobs) {
    this.jobs = jobs;
  }

  /** Starts a job from form fields; answers at once with the job id. */
  @PostMapping(consumes = {MediaType.APPLICATION_FORM_URLENCODED_VALUE, MediaType.MULTIPART_FORM_DATA_VALUE})
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, String> startFromForm(@RequestParam(name = "compendium_id", required = false) String compendiumId,
      @RequestParam(name = "user", required = false) String user) {
    return Map.of("job_id", jobs.start(compendiumId, user));
  }

  /** Starts a job from a JSON body {@code {"compendium_id": "...", "user": "..."}}. */
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, String> startFromJson(@RequestBody(required = false) Map<String, Object> body) {
    if (body == null) {
      throw ApiException.badRequest("the body must be a JSON object with compendium_id");
    }
    return Map.of("job_id", jobs.start(text(body.get("compendium_id")), text(body.get("user"))));
  }

  @GetMapping({"/{id}", "/{id}/"})
  JobView view(@PathVariable String id) {
    return jobs.view(id);
  }

  /** Cancels a running job; answers at once, while the job stops and cleans up. */
  @PostMapping("/{id}/cancel")
  @ResponseStatus(HttpStatus.ACCEPTED)
  Map<String, String> cancel(@PathVariable String id) {
    jobs.cancel(id);
    return Map.of("job_id", id, "status", "cancelling");
  }

  /** Streams one stored file of the job. */
  @GetMapping("/{id}/data/{*path}")
  ResponseEntity<InputStreamResource> data(@PathVariable String id, @PathVariable String path) {
    JobService.StoredFile file = jobs.file(id, path.startsWith("/") ? path.substring(1) : path);
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType(file.contentType()))
        .contentLength(file.size())
        .body(new InputStreamResource(file.data()));
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
