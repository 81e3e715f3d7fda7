package io.reprise.api.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.MediaType;

/** The {"error": "..."} body of the API, written by the security filters, which answer before Spring MVC. */
final class JsonAnswers {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonAnswers() {}

  static void error(HttpServletResponse response, int status, String message) throws IOException {
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.getOutputStream().write(JSON.writeValueAsBytes(Map.of("error", message)));
  }
}
