package io.reprise.worker;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API's {@code GET /api/v1/whoami} on a loopback port, as the worker sees it: "op" is an operator, "sub" a
 * submitter, "role-less" an identity without a Reprise role (403), "busy" is throttled (429), "broken" gets a 500,
 * and any other token is not valid (401). It counts the questions, so tests see what the worker cached.
 */
final class FakeApi implements AutoCloseable {

  final AtomicInteger asked = new AtomicInteger();
  private final HttpServer server;

  private final String prefix;

  FakeApi() throws IOException {
    this("");
  }

  /** An API served under a path, as behind a proxy ({@code /reprise}). */
  FakeApi(String prefix) throws IOException {
    this.prefix = prefix;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(prefix + "/api/v1/whoami", exchange -> {
      try (exchange) {
        asked.incrementAndGet();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String token = authorization == null ? "" : authorization.replaceFirst("^Bearer ", "");
        switch (token) {
          case "op" -> send(exchange, 200, "{\"user\": \"root\", \"role\": \"operator\"}");
          case "sub" -> send(exchange, 200, "{\"user\": \"alice\", \"role\": \"submitter\"}");
          case "role-less" -> send(exchange, 403, "{\"error\": \"the identity carries no Reprise role\"}");
          case "busy" -> send(exchange, 429, "{\"error\": \"too many wrong tokens\"}");
          case "broken" -> send(exchange, 500, "{\"error\": \"internal\"}");
          default -> send(exchange, 401, "{\"error\": \"the bearer token is not valid\"}");
        }
      }
    });
    server.start();
  }

  private static void send(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + prefix + "/");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
