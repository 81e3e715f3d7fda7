package io.reprise.api.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.storage.ArtifactStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import static org.mockito.Mockito.when;

import io.reprise.api.auth.Caller;
import io.reprise.api.auth.Role;
import io.reprise.api.auth.TokenStore;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * Requests as an attacker writes them, sent byte for byte over a socket to the real embedded Tomcat, so that bad
 * encodings and over-long headers reach the server unchanged. Every answer must be a 4xx with a JSON
 * {"error": ...} body, including the ones Tomcat gives before Spring MVC sees the request. The store and Docker are
 * mocked and Temporal's address is a closed port: none of these requests may get as far as either.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.temporal.connection.target=127.0.0.1:1")
class RawRequestsTest {

  @LocalServerPort
  int port;

  @MockitoBean
  ArtifactStore store;
  @MockitoBean
  DockerContainerEngine docker;
  @MockitoBean
  TokenStore tokens;

  private static final String TOKEN = "rpr_" + "a".repeat(43);

  @BeforeEach
  void anOperatorToken() {
    when(tokens.verify(TOKEN)).thenReturn(Optional.of(new Caller("it", Role.OPERATOR)));
  }

  record Answer(int status, String contentType, String body) {}

  /** Sends the request line and headers as given, and reads the whole answer (the connection is closed). */
  private Answer send(String requestLine, String... headers) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      StringBuilder request = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
          .append("Authorization: Bearer ").append(TOKEN).append("\r\n");
      for (String header : headers) {
        request.append(header).append("\r\n");
      }
      out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      String head = split < 0 ? text : text.substring(0, split);
      String body = split < 0 ? "" : text.substring(split + 4);
      int status = Integer.parseInt(head.substring(9, 12));
      String contentType = head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-type:"))
          .map(l -> l.substring(13).trim()).findFirst().orElse("");
      if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
        body = unchunk(body);
      }
      return new Answer(status, contentType, body);
    }
  }

  private static String unchunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int end = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, end).trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(chunked, end + 2, end + 2 + size);
      at = end + 2 + size + 2;
    }
  }

  /** The answer is a 4xx of the expected status whose body is {"error": "..."} and nothing of the server. */
  private static String jsonError(Answer answer, int status) throws IOException {
    assertEquals(status, answer.status(), answer.toString());
    assertTrue(answer.contentType().startsWith("application/json"), answer.toString());
    JsonNode body = new ObjectMapper().readTree(answer.body());
    assertEquals(1, body.size(), answer.body());
    String error = body.path("error").asText();
    assertFalse(error.isBlank(), answer.body());
    assertFalse(answer.body().contains("Tomcat") || answer.body().contains("<html"), answer.body());
    return error;
  }

  @Test
  void badPercentEncodingInThePathIsAJson400() throws IOException {
    String error = jsonError(send("GET /api/v1/job/%zz HTTP/1.1"), 400);
    assertTrue(error.contains("path"), error);
  }

  @Test
  void anOverLongHeaderIsAJson4xx() throws IOException {
    Answer answer = send("GET /api/v1/health HTTP/1.1", "X-Long: " + "a".repeat(20_000));
    String error = jsonError(answer, answer.status() == 431 ? 431 : 400);
    assertTrue(error.contains("header"), error);
  }

  @Test
  void anInvalidCharacterInTheRequestLineIsAJson400() throws IOException {
    jsonError(send("GET /api/v1/job/{x} HTTP/1.1"), 400);
    jsonError(send("GET /api/v1/job/a\u0001b HTTP/1.1"), 400);
  }

  @Test
  void dotAndEmptyPartsInADataPathAreAJson400() throws IOException {
    for (String path : new String[] {"./x", "a//b", "%2e%2e/x", "a/%2e/b", "%2e/x"}) {
      String error = jsonError(send("GET /api/v1/job/abcdefabcdef/data/" + path + " HTTP/1.1"), 400);
      // Spring Security's firewall refuses these before the data route's own check would.
      assertTrue(error.startsWith("the request path has a '.', '..' or empty part"), path + ": " + error);
    }
  }

  @Test
  void aGarbageCursorIsAJson400() throws IOException {
    assertTrue(jsonError(send("GET /api/v1/job?cursor=%%% HTTP/1.1"), 400).contains("percent-encoding"));
    assertTrue(jsonError(send("GET /api/v1/job?cursor=aGVsbG8gd29ybGQgZ2FyYmFnZQ HTTP/1.1"), 400)
        .contains("cursor"));
  }

  @Test
  void theErrorPathAnswersJsonToo() throws IOException {
    jsonError(send("GET /error HTTP/1.1", "Accept: text/html"), 404);
  }
}
