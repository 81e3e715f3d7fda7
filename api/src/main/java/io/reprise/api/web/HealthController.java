package io.reprise.api.web;

import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.api.auth.Caller;
import io.reprise.api.auth.Role;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Whether Temporal, MinIO and the Docker engine answer: 200 when all of them do, 503 otherwise. Open to anyone,
 * who sees only {@code status}; an operator also sees which part is down.
 */
@RestController
class HealthController {

  private final WorkflowServiceStubs temporal;
  private final ArtifactStore store;
  private final DockerContainerEngine docker;

  HealthController(WorkflowServiceStubs temporal, ArtifactStore store, DockerContainerEngine docker) {
    this.temporal = temporal;
    this.store = store;
    this.docker = docker;
  }

  @GetMapping("/api/v1/health")
  @SecurityRequirements
  ResponseEntity<Map<String, String>> health() {
    Map<String, String> parts = new LinkedHashMap<>();
    parts.put("temporal", check(() -> temporal.healthCheck()));
    parts.put("minio", check(() -> store.stat("health-probe")));
    parts.put("docker", check(() -> docker.client().pingCmd().exec()));
    boolean up = parts.values().stream().allMatch("up"::equals);
    Map<String, String> body = new LinkedHashMap<>();
    body.put("status", up ? "up" : "down");
    if (operator()) {
      body.putAll(parts);
    }
    return ResponseEntity.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
  }

  private static boolean operator() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    return authentication != null && authentication.getAuthorities().stream()
        .anyMatch(authority -> authority.getAuthority().equals(Role.OPERATOR.authority()))
        && Caller.of(authentication).isOperator();
  }

  private static String check(Runnable probe) {
    try {
      probe.run();
      return "up";
    } catch (RuntimeException e) {
      return "down";
    }
  }
}
