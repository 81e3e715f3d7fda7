package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Reprise's REST API over the JDK's HTTP client, for one server and token. Every error answer becomes a
 * {@link CliException} with the server's {@code {"error"}} text; a server that cannot be reached becomes one
 * naming the URL. The token goes only into the Authorization header.
 */
final class Api {

  static final ObjectMapper JSON = new ObjectMapper();
  /** How often one read is sent again after a 429, and the longest Retry-After waited for. */
  private static final int MAX_READ_RETRIES = 5;
  private static final long MAX_RETRY_AFTER_SECONDS = 10;

  private final String server;
  private final String token;
  private final HttpClient http;

  Api(String server, String token) {
    this.server = server;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  String server() {
    return server;
  }

  /** A path below the server with the query parameters given (null and empty values left out). */
  static String path(String path, Map<String, String> query) {
    StringJoiner joined = new StringJoiner("&");
    query.forEach((key, value) -> {
      if (value != null && !value.isEmpty()) {
        joined.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    });
    return joined.length() == 0 ? path : path + "?" + joined;
  }

  /** One path segment, percent-encoded, so an id from the user cannot reach another route. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  JsonNode get(String path) {
    return json(send(request(path).GET().build()));
  }

  String getText(String path) {
    return send(request(path).GET().build());
  }

  JsonNode post(String path) {
    return json(send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build()));
  }

  JsonNode delete(String path) {
    return json(send(request(path).DELETE().build()));
  }

  JsonNode postJson(String path, Object body) {
    try {
      return json(send(request(path).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CliException("cannot write the request: " + e.getOriginalMessage());
    }
  }

  JsonNode postForm(String path, Map<String, String> form) {
    String body = path("", form);
    body = body.startsWith("?") ? body.substring(1) : body;
    return json(send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build()));
  }

  /** Uploads the archive as the multipart field 'compendium', as {@code curl -F compendium=@file} does. */
  JsonNode upload(String path, Path archive, String contentType) {
    String boundary = "reprise-" + UUID.randomUUID();
    String name = archive.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"compendium\"; filename=\"" + name
        + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    try {
      HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(
          HttpRequest.BodyPublishers.ofByteArray(head), HttpRequest.BodyPublishers.ofFile(archive),
          HttpRequest.BodyPublishers.ofByteArray(tail));
      return json(send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(body).build()));
    } catch (java.io.FileNotFoundException e) {
      throw new CliException("cannot read " + archive + ": " + e.getMessage());
    }
  }

  /** The bytes at the path, streamed; the caller closes the stream. */
  InputStream download(String path) {
    HttpResponse<InputStream> response = exchange(request(path).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() >= 400) {
      try (InputStream body = response.body()) {
        throw error(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw error(response.statusCode(), "");
      }
    }
    return response.body();
  }

  /**
   * Follows a server-sent event stream, handing each event to the consumer until it answers false or the stream
   * ends; answers whether the consumer ended it.
   */
  boolean events(String path, Predicate<Sse.Event> consumer) {
    HttpResponse<InputStream> response = exchange(request(path).header("Accept", "text/event-stream").GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body();
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      if (response.statusCode() >= 400) {
        throw error(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
      }
      return Sse.read(reader, consumer);
    } catch (IOException e) {
      throw new CliException("the event stream from " + server + " broke: " + describe(e));
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder;
    try {
      builder = HttpRequest.newBuilder(URI.create(server + path));
    } catch (IllegalArgumentException e) {
      throw new CliException("not a valid URL: " + Clean.line(server + path));
    }
    builder.header("User-Agent", "reprise-cli");
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private String send(HttpRequest request) {
    HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() >= 400) {
      throw error(response.statusCode(), response.body());
    }
    return response.body();
  }

  /**
   * Sends the request. A read (GET) the server refuses with 429 is sent again after the Retry-After it names, a few
   * times at most (README "Reads": the API refuses reads over its budget at once rather than queueing them).
   */
  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      HttpResponse<T> response = http.send(request, handler);
      for (int retry = 0; retry < MAX_READ_RETRIES && response.statusCode() == 429
          && "GET".equals(request.method()); retry++) {
        // Seconds only; an HTTP date (a proxy's) or anything else ends the retries.
        String header = response.headers().firstValue("Retry-After").orElse("").trim();
        long seconds = header.matches("[0-9]{1,4}") ? Long.parseLong(header) : -1;
        if (seconds < 0 || seconds > MAX_RETRY_AFTER_SECONDS) {
          break;
        }
        if (response.body() instanceof java.io.Closeable body) {
          body.close();
        }
        Thread.sleep(seconds * 1000);
        response = http.send(request, handler);
      }
      return response;
    } catch (IOException e) {
      throw new CliException("cannot reach " + server + ": " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  private static String describe(IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return "connection timed out";
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : Clean.line(message);
  }

  /** The error answer as a CliException: the server's {"error"} text, or the status and the start of the body. */
  static CliException error(int status, String body) {
    String message = null;
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.hasNonNull("error")) {
        message = node.get("error").asText();
      }
    } catch (IOException notJson) {
      // Not Reprise's JSON error: a proxy's page, say.
    }
    if (message == null) {
      String start = body == null ? "" : body.strip();
      message = "HTTP " + status + (start.isEmpty() ? "" : ": " + (start.length() > 200 ? start.substring(0, 200)
          + "…" : start));
    }
    return new CliException(Clean.line(message), status);
  }

  private static JsonNode json(String body) {
    try {
      return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
      throw new CliException("the server's answer is not JSON");
    }
  }

  /** An ordered map from key-value pairs, for queries and forms. */
  static Map<String, String> params(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
