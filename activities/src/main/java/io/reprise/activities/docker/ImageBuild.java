package io.reprise.activities.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One classic build on the engine's HTTP API, read on a thread of its own so that the caller can heartbeat and
 * watch the clock while the build is silent. docker-java's build command cannot set CPU quotas or a cgroup parent,
 * so the request is made here with docker-java's own HTTP client. Closing the request makes the engine cancel the
 * build and kill the step that runs.
 */
final class ImageBuild {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern STEP_CONTAINER = Pattern.compile("^\\s*---> Running in ([0-9a-f]{12,64})\\s*$");
  // An engine error body is short; more than this is not worth reading.
  private static final int MAX_ERROR_BODY = 4096;
  // CFS quotas are counted per period; 100 ms is the kernel's default period.
  private static final long CPU_PERIOD_MICROS = 100_000;

  private final DockerHttpClient http;
  private final InputStream context;
  private final String path;
  private final Consumer<String> logLine;
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicReference<DockerHttpClient.Response> response = new AtomicReference<>();
  private volatile boolean stopped;
  private volatile String stepContainer;
  private volatile String imageId;
  private volatile String error;
  private volatile RuntimeException failure;

  ImageBuild(DockerHttpClient http, InputStream context, String tag, ContainerEngine.BuildLimits limits,
      String cgroupParent, Consumer<String> logLine) {
    this.http = http;
    this.context = context;
    this.logLine = logLine;
    Map<String, String> query = new LinkedHashMap<>();
    query.put("t", tag);
    // The classic builder: BuildKit would need a session, and its RUN --mount and --network are refused anyway.
    query.put("version", "1");
    query.put("networkmode", "none");
    query.put("rm", "1");
    query.put("forcerm", "1");
    query.put("memory", String.valueOf(limits.memoryBytes()));
    // Swap equal to memory means no swap: a build that needs more memory fails rather than thrashing the host.
    query.put("memswap", String.valueOf(limits.memoryBytes()));
    query.put("cpuperiod", String.valueOf(CPU_PERIOD_MICROS));
    query.put("cpuquota", String.valueOf(Math.max(1000, (long) (limits.cpus() * CPU_PERIOD_MICROS))));
    if (cgroupParent != null) {
      query.put("cgroupparent", cgroupParent);
    }
    this.path = "/build?" + query.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  void start(String threadName) {
    Thread reader = new Thread(this::stream, threadName);
    reader.setDaemon(true);
    reader.start();
  }

  /** Waits for the build's stream to end; false when the time passed first. */
  boolean await(long millis) {
    try {
      return done.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a build", e);
    }
  }

  /**
   * Stops the build: closing the request makes the engine cancel it and kill its step container. Waits up to the
   * given time for the stream to end. Answers the container of the step that ran, if any.
   */
  String stop(long millis) {
    stopped = true;
    closeQuietly(response.get());
    try {
      context.close();
    } catch (IOException e) {
      // Closing only serves to break off an upload in progress.
    }
    await(millis);
    return stepContainer;
  }

  /** The image id of a build that ended; a {@link BuildFailedException} for a build that failed. */
  String imageId() {
    if (failure != null) {
      throw failure;
    }
    if (error != null) {
      throw new BuildFailedException(error);
    }
    if (imageId == null) {
      throw new IllegalStateException("the engine's build stream ended without an image or an error");
    }
    return imageId;
  }

  private void stream() {
    try (InputStream body = context) {
      DockerHttpClient.Request request = DockerHttpClient.Request.builder()
          .method(DockerHttpClient.Request.Method.POST)
          .path(path)
          .putHeader("Content-Type", "application/x-tar")
          .body(body)
          .build();
      try (DockerHttpClient.Response answer = http.execute(request)) {
        response.set(answer);
        if (stopped) {
          return;
        }
        if (answer.getStatusCode() != 200) {
          byte[] text = answer.getBody().readNBytes(MAX_ERROR_BODY);
          error = "the engine refused the build (HTTP " + answer.getStatusCode() + "): "
              + new String(text, StandardCharsets.UTF_8).trim();
          return;
        }
        try (MappingIterator<JsonNode> messages = JSON.readerFor(JsonNode.class).readValues(answer.getBody())) {
          while (messages.hasNextValue()) {
            message(messages.nextValue());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!stopped) {
        failure = e instanceof RuntimeException r ? r
            : new IllegalStateException("the build's stream from the engine broke: " + e.getMessage(), e);
      }
    } finally {
      done.countDown();
    }
  }

  private void message(JsonNode message) {
    JsonNode text = message.get("stream");
    if (text != null && text.isTextual()) {
      text.asText().lines().filter(line -> !line.isBlank()).forEach(line -> {
        Matcher step = STEP_CONTAINER.matcher(line);
        if (step.matches()) {
          stepContainer = step.group(1);
        }
        logLine.accept(line);
      });
    }
    JsonNode detail = message.path("errorDetail").path("message");
    JsonNode plain = message.path("error");
    String problem = detail.isTextual() ? detail.asText() : plain.isTextual() ? plain.asText() : null;
    if (problem != null) {
      error = problem;
      logLine.accept(problem);
    }
    JsonNode id = message.path("aux").path("ID");
    if (id.isTextual()) {
      imageId = id.asText();
    }
  }

  private static void closeQuietly(DockerHttpClient.Response answer) {
    if (answer != null) {
      try {
        answer.close();
      } catch (RuntimeException e) {
        // The connection is being torn down on purpose; an error closing it changes nothing.
      }
    }
  }
}
