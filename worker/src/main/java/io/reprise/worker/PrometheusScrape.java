package io.reprise.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code GET /actuator/prometheus} on the worker's health port: the worker's meters in Prometheus' text format, for
 * operators only (see {@link OperatorCheck}). The path is the API's, so one scrape configuration fits both.
 * Refusals are the API's {"error": "..."} bodies with the API's statuses: 401, 403, 429, and 503 when the API
 * cannot be asked.
 */
class PrometheusScrape implements HttpHandler {

  static final String PATH = "/actuator/prometheus";
  // The classic text format, which every Prometheus reads.
  private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrometheusMeterRegistry registry;
  private final OperatorCheck operators;

  PrometheusScrape(PrometheusMeterRegistry registry, OperatorCheck operators) {
    this.registry = registry;
    this.operators = operators;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        error(exchange, 404, "only GET /health and GET " + PATH + " are served here");
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        error(exchange, 405, "only GET is served at " + PATH);
        return;
      }
      OperatorCheck.Verdict verdict = operators.check(exchange.getRequestHeaders().getFirst("Authorization"));
      if (verdict != OperatorCheck.Verdict.OPERATOR) {
        if (verdict == OperatorCheck.Verdict.NO_TOKEN) {
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        } else if (verdict == OperatorCheck.Verdict.NOT_VALID) {
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        error(exchange, verdict.status, verdict.message);
        return;
      }
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", TEXT_FORMAT);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    byte[] body = JSON.writeValueAsBytes(Map.of("error", message));
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
