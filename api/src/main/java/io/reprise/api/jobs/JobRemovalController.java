package io.reprise.api.jobs;

import io.reprise.api.auth.Caller;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Deleting jobs and pinning them against retention. */
@RestController
@RequestMapping("/api/v1/job")
class JobRemovalController {

  private final JobRemoval removal;

  JobRemovalController(JobRemoval removal) {
    this.removal = removal;
  }

  /**
   * Deletes an ended job (409 while it runs): its workflow, logs and records at once, so it is a 404 everywhere
   * when this answers; 202 because its blobs and image are freed by the next storage sweep.
   */
  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.ACCEPTED)
  Map<String, Object> deleteJob(@PathVariable String id) {
    return removal.delete(Caller.current(), id);
  }

  @PostMapping("/{id}/pin")
  Map<String, Object> pinJob(@PathVariable String id) {
    return removal.pin(Caller.current(), id);
  }

  @DeleteMapping("/{id}/pin")
  Map<String, Object> unpinJob(@PathVariable String id) {
    return removal.unpin(Caller.current(), id);
  }

  @GetMapping("/{id}/pin")
  Map<String, Object> jobPin(@PathVariable String id) {
    return removal.pinState(Caller.current(), id);
  }
}
