package io.reprise.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a bearer token belongs to an operator, for the worker's metrics. The worker cannot read the token
 * store (its MinIO policy denies auth/*, so a compromised job host cannot mint or read tokens), so it asks the API
 * who the token belongs to ({@code GET /api/v1/whoami}): the one place that already verifies Reprise tokens and
 * JWTs, revocation and the wrong-token throttle included. Verdicts are cached for a short time (30 s), keyed by the
 * token's SHA-256, never the token, so a scrape every 15 s asks the API at most every other time, and a revoked
 * token stops working within that time. When the API cannot be asked, the answer is "unavailable" (503): the
 * metrics fail closed.
 */
class OperatorCheck {

  private static final Logger log = LoggerFactory.getLogger(OperatorCheck.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  // Past this many cached verdicts (someone trying many tokens) the cache starts over rather than grow.
  private static final int MAX_CACHED = 1000;

  /** The answer to one request, with the status and message the worker sends when it is not allowed. */
  enum Verdict {
    OPERATOR(200, null),
    NO_TOKEN(401, "this route needs a bearer token: send Authorization: Bearer <token>"),
    NOT_VALID(401, "the bearer token is not valid"),
    NOT_OPERATOR(403, "only operators may read the worker's metrics"),
    THROTTLED(429, "too many wrong tokens from this address; try again shortly"),
    UNAVAILABLE(503, "the API, which checks tokens for the worker, cannot be asked; try again shortly");

    final int status;
    final String message;

    Verdict(int status, String message) {
      this.status = status;
      this.message = message;
    }

    /** Verdicts that hold for a while; the others depend on the moment and are asked again. */
    boolean lasting() {
      return this == OPERATOR || this == NOT_VALID || this == NOT_OPERATOR;
    }
  }

  private record Cached(Verdict verdict, long until) {}

  private final URI whoami;
  private final HttpClient http;
  private final Duration cacheFor;
  private final Duration deadline;
  private final LongSupplier nanos;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  OperatorCheck(URI apiBase, Duration cacheFor, Duration deadline) {
    this(apiBase, HttpClient.newBuilder().connectTimeout(deadline).build(), cacheFor, deadline, System::nanoTime);
  }

  OperatorCheck(URI apiBase, HttpClient http, Duration cacheFor, Duration deadline, LongSupplier nanos) {
    // Appended, not resolved: an API behind a proxy at https://host/reprise/ keeps its path.
    String base = apiBase.toString();
    this.whoami = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v1/whoami");
    this.http = http;
    this.cacheFor = cacheFor;
    this.deadline = deadline;
    this.nanos = nanos;
  }

  /** The verdict for the Authorization header of a request (null when it has none). */
  Verdict check(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Verdict.NO_TOKEN;
    }
    String token = authorization.substring(7).trim();
    if (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      // No token of Reprise or of an identity provider holds anything but visible ASCII; such a header is not
      // forwarded at all (the HTTP client would refuse it and the scrape would get no answer).
      return Verdict.NOT_VALID;
    }
    String key = sha256(token);
    long now = nanos.getAsLong();
    Cached cached = cache.get(key);
    if (cached != null && now - cached.until() < 0) {
      return cached.verdict();
    }
    Verdict verdict = ask("Bearer " + token);
    if (verdict.lasting()) {
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
      cache.put(key, new Cached(verdict, now + cacheFor.toNanos()));
    }
    return verdict;
  }

  private Verdict ask(String authorization) {
    HttpRequest request = HttpRequest.newBuilder(whoami).timeout(deadline).header("Authorization", authorization)
        .header("Accept", "application/json").GET().build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.warn("could not ask the API at {} who a token belongs to: {}", whoami, e.toString());
      return Verdict.UNAVAILABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Verdict.UNAVAILABLE;
    }
    switch (response.statusCode()) {
      case 200:
        return "operator".equals(role(response.body())) ? Verdict.OPERATOR : Verdict.NOT_OPERATOR;
      case 401:
        return Verdict.NOT_VALID;
      case 403:
        // An identity without a Reprise role (a JWT with none of Reprise's roles).
        return Verdict.NOT_OPERATOR;
      case 429:
        return Verdict.THROTTLED;
      default:
        log.warn("the API at {} answered {} when asked who a token belongs to", whoami, response.statusCode());
        return Verdict.UNAVAILABLE;
    }
  }

  private static String role(String body) {
    try {
      JsonNode role = JSON.readTree(body).path("role");
      return role.isTextual() ? role.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
