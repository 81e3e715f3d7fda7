package io.reprise.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.reprise.activities.docker.DockerContainerEngine;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The worker's own health, on 127.0.0.1 only: {@code GET /health} says whether the worker polls its task queues,
 * how many activity slots are in use of how many, when it took its last task, and whether its Docker engine
 * answers a ping within 2 s. 200 when it polls and the engine answers, 503 otherwise. The worker has no web server
 * of its own; the JDK's HttpServer is enough for one small JSON answer and adds no dependency.
 *
 * <p>The same port serves the worker's metrics to operators, {@code GET /actuator/prometheus} (see
 * {@link PrometheusScrape}); two threads answer, so a scrape that waits for the API's token check does not hold up
 * a health check.
 *
 * <p>Off unless REPRISE_WORKER_HEALTH_PORT is set; 0 takes a free port, which is written to
 * REPRISE_WORKER_HEALTH_PORT_FILE when that is set (docker/service does, for docker/service status).
 */
@Component
class WorkerHealth implements InitializingBean, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(WorkerHealth.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration DEADLINE = Duration.ofSeconds(2);

  private final WorkerFactory factory;
  private final ActivityTracker tracker;
  private final DockerContainerEngine docker;
  private final PrometheusScrape metrics;
  private final List<String> queues;
  private final int slotsPerQueue;
  private final String port;
  private final String portFile;
  private HttpServer server;

  WorkerHealth(WorkerFactory factory, ActivityTracker tracker, DockerContainerEngine docker,
      PrometheusScrape metrics, WorkerProperties properties,
      @Value("${REPRISE_WORKER_ACTIVITY_SLOTS:200}") int slotsPerQueue,
      @Value("${REPRISE_WORKER_HEALTH_PORT:}") String port,
      @Value("${REPRISE_WORKER_HEALTH_PORT_FILE:}") String portFile) {
    this.factory = factory;
    this.tracker = tracker;
    this.docker = docker;
    this.metrics = metrics;
    this.queues = List.of(properties.temporal().taskQueue(), properties.temporal().workerQueue());
    this.slotsPerQueue = slotsPerQueue;
    this.port = port;
    this.portFile = portFile;
  }

  @Override
  public void afterPropertiesSet() throws IOException {
    if (port == null || port.isBlank()) {
      return;
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port.trim())),
        8);
    server.createContext("/health", this::answer);
    server.createContext(PrometheusScrape.PATH, metrics);
    server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "worker-health");
      thread.setDaemon(true);
      return thread;
    }));
    server.start();
    int bound = server.getAddress().getPort();
    if (portFile != null && !portFile.isBlank()) {
      Path file = Path.of(portFile);
      Path partial = file.resolveSibling(file.getFileName() + ".new");
      Files.writeString(partial, bound + "\n");
      Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    log.info("worker health on http://127.0.0.1:{}/health", bound);
  }

  @Override
  public void destroy() {
    if (server != null) {
      server.stop(0);
    }
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod()) || !"/health".equals(exchange.getRequestURI().getPath())) {
        send(exchange, 404, Map.of("error", "only GET /health and GET " + PrometheusScrape.PATH
            + " are served here"));
        return;
      }
      Map<String, Object> report = report();
      send(exchange, "up".equals(report.get("status")) ? 200 : 503, report);
    }
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The report {@code GET /health} answers. */
  Map<String, Object> report() {
    boolean factoryRuns = factory.isStarted() && !factory.isShutdown() && !factory.isTerminated();
    Map<String, Object> polling = new LinkedHashMap<>();
    boolean allPoll = factoryRuns;
    for (String queue : queues) {
      Worker worker = factory.tryGetWorker(queue);
      boolean polls = factoryRuns && worker != null && !worker.isSuspended();
      polling.put(queue, polls);
      allPoll &= polls;
    }
    boolean engine = dockerAnswers();
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("status", allPoll && engine ? "up" : "down");
    report.put("polling", polling);
    report.put("docker", engine ? "up" : "down");
    report.put("activities_running", tracker.running());
    report.put("activity_slots", slotsPerQueue * queues.size());
    report.put("activities_taken", tracker.taken());
    report.put("last_task", tracker.lastTaken() == null ? null : tracker.lastTaken().toString());
    report.put("last_task_type", tracker.lastType());
    return report;
  }

  private boolean dockerAnswers() {
    CompletableFuture<Void> ping = CompletableFuture.runAsync(() -> docker.client().pingCmd().exec());
    try {
      ping.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      ping.cancel(true);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
