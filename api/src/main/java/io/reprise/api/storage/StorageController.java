package io.reprise.api.storage;

import io.reprise.api.auth.Caller;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Storage: usage per user and per compendium with the last sweep (auditors and operators), and the sweeps
 * (operators); the security configuration holds the roles.
 */
@RestController
@RequestMapping("/api/v1/storage")
class StorageController {

  private final StorageService storage;

  StorageController(StorageService storage) {
    this.storage = storage;
  }

  @GetMapping({"", "/"})
  Map<String, Object> storage() {
    return storage.overview();
  }

  @GetMapping({"/sweeps", "/sweeps/"})
  Map<String, Object> sweeps() {
    return Map.of("results", storage.sweeps());
  }

  @PostMapping({"/sweeps", "/sweeps/"})
  @ResponseStatus(HttpStatus.ACCEPTED)
  Map<String, Object> startSweep(@RequestBody(required = false) Map<String, Object> body) {
    return storage.start(Caller.current(), body);
  }

  @GetMapping("/sweeps/{id}")
  Map<String, Object> sweep(@PathVariable String id) {
    return storage.sweep(id);
  }
}
