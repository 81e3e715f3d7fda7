package io.reprise.api.web;

import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.api.auth.Caller;
import io.reprise.api.auth.Role;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Whether a request would work: each part is exercised the way a request uses it, within a short deadline. Temporal
 * answers a visibility query on the instance's namespace, MinIO a read of the bucket, the Docker engine a ping, and
 * some worker polls the instance's task queue. 200 when every part is up, 503 otherwise. Open to anyone, who sees
 * only {@code status}; an operator also sees each part and, under {@code details}, why a part is down and when a
 * worker last polled.
 */
@RestController
class HealthController {

  /** How long each part may take to answer; the parts are asked at once. */
  static final Duration DEADLINE = Duration.ofSeconds(2);

  /**
   * A worker that polls renews its long poll at least once a minute (the server answers an empty poll after about
   * 60 s); Temporal remembers a poller for minutes after it stopped. A last poll older than this is a gone worker.
   */
  static final Duration POLL_FRESHNESS = Duration.ofSeconds(90);

  // Daemon threads: a probe stuck past its deadline must not keep the JVM up.
  private static final ExecutorService PROBES = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "health-probe");
    thread.setDaemon(true);
    return thread;
  });

  private final WorkflowServiceStubs temporal;
  private final ArtifactStore store;
  private final DockerContainerEngine docker;
  private final String namespace;
  private final String taskQueue;
  private final Clock clock;

  @Autowired
  HealthController(WorkflowServiceStubs temporal, ArtifactStore store, DockerContainerEngine docker,
      @Value("${spring.temporal.namespace:default}") String namespace,
      @Value("${reprise.temporal.task-queue:reprise-jobs}") String taskQueue) {
    this(temporal, store, docker, namespace, taskQueue, Clock.systemUTC());
  }

  HealthController(WorkflowServiceStubs temporal, ArtifactStore store, DockerContainerEngine docker,
      String namespace, String taskQueue, Clock clock) {
    this.temporal = temporal;
    this.store = store;
    this.docker = docker;
    this.namespace = namespace;
    this.taskQueue = taskQueue;
    this.clock = clock;
  }

  @GetMapping("/api/v1/health")
  @SecurityRequirements
  ResponseEntity<Map<String, Object>> health() {
    Report report = check();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", report.up() ? "up" : "down");
    if (operator()) {
      report.parts().forEach((name, part) -> body.put(name, part.up() ? "up" : "down"));
      Map<String, Object> details = new LinkedHashMap<>();
      report.parts().forEach((name, part) -> details.put(name, part.detail()));
      body.put("details", details);
    }
    return ResponseEntity.status(report.up() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
  }

  /** One part: up or down, and what it said (why it is down; for workers, who polls and when). */
  record Part(boolean up, Object detail) {}

  record Report(Map<String, Part> parts) {
    boolean up() {
      return parts.values().stream().allMatch(Part::up);
    }
  }

  /** Asks every part at once and waits at most the deadline for each. */
  Report check() {
    Map<String, CompletableFuture<Part>> asked = new LinkedHashMap<>();
    asked.put("temporal", ask(this::visibility));
    asked.put("minio", ask(() -> {
      store.stat("health-probe");
      return new Part(true, "the bucket answered a read");
    }));
    asked.put("docker", ask(() -> {
      docker.client().pingCmd().exec();
      return new Part(true, "the engine answered a ping");
    }));
    asked.put("workers", ask(this::workers));
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    Map<String, Part> parts = new LinkedHashMap<>();
    asked.forEach((name, future) -> parts.put(name, await(name, future, deadline)));
    return new Report(parts);
  }

  private static CompletableFuture<Part> ask(java.util.function.Supplier<Part> probe) {
    return CompletableFuture.supplyAsync(probe, PROBES);
  }

  private static Part await(String name, CompletableFuture<Part> future, long deadline) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return new Part(false, name + " did not answer within " + DEADLINE.toSeconds() + " s");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return new Part(false, ServerPaths.hide(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Part(false, "interrupted");
    }
  }

  /** A visibility query on the instance's namespace, as the job list makes: one workflow at most. */
  private Part visibility() {
    temporal.blockingStub().withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder().setNamespace(namespace)
            .setPageSize(1).build());
    return new Part(true, "namespace " + namespace + " answered a visibility query");
  }

  /**
   * Whether a worker polls the instance's task queue for workflow tasks: Temporal's pollers of the queue, the one
   * that polled last, and when. Without a recent poller jobs are accepted but never run.
   */
  private Part workers() {
    DescribeTaskQueueResponse described = temporal.blockingStub()
        .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .describeTaskQueue(DescribeTaskQueueRequest.newBuilder().setNamespace(namespace)
            .setTaskQueue(TaskQueue.newBuilder().setName(taskQueue))
            .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW).build());
    Instant now = clock.instant();
    Instant lastPoll = null;
    String lastPoller = null;
    int recent = 0;
    for (PollerInfo poller : described.getPollersList()) {
      Instant at = Instant.ofEpochSecond(poller.getLastAccessTime().getSeconds(),
          poller.getLastAccessTime().getNanos());
      if (Duration.between(at, now).compareTo(POLL_FRESHNESS) <= 0) {
        recent++;
      }
      if (lastPoll == null || at.isAfter(lastPoll)) {
        lastPoll = at;
        lastPoller = poller.getIdentity();
      }
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("task_queue", taskQueue);
    detail.put("pollers", recent);
    detail.put("last_poll", lastPoll == null ? null : lastPoll.toString());
    detail.put("last_poller", lastPoller);
    return new Part(recent > 0, detail);
  }

  private static boolean operator() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    return authentication != null && authentication.getAuthorities().stream()
        .anyMatch(authority -> authority.getAuthority().equals(Role.OPERATOR.authority()))
        && Caller.of(authentication).isOperator();
  }
}
