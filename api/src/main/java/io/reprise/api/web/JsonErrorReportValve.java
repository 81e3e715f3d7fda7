package io.reprise.api.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's error report for requests that fail before Spring MVC sees them (a bad percent-encoding in the path, an
 * invalid character in the request line, headers over the size limit) and for errors no one else answered: the
 * API's {@code {"error": "..."}} instead of Tomcat's HTML page. The text is chosen here from the status and the
 * kind of failure; Tomcat's own message is not passed on, since it quotes the request's bytes back.
 */
public class JsonErrorReportValve extends ErrorReportValve {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    try {
      String body = JSON.writeValueAsString(Map.of("error", message(status, throwable, response.getMessage())));
      response.setContentType("application/json");
      response.setCharacterEncoding("UTF-8");
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(body);
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The client is gone or the response cannot take a body any more; there is no one left to tell.
    }
  }

  /** The text for an error a client caused, from its status and what Tomcat said went wrong. */
  public static String message(int status, Throwable error, String tomcatMessage) {
    String said = ((error == null || error.getMessage() == null ? "" : error.getMessage()) + " "
        + (tomcatMessage == null ? "" : tomcatMessage)).toLowerCase(Locale.ROOT);
    if (status == 400 || status == 431) {
      if (said.contains("header")) {
        return "a request header is too large or malformed";
      }
      if (said.contains("method")) {
        return "the request method is not valid";
      }
      if (said.contains("protocol")) {
        return "the request's HTTP version is not valid";
      }
      if (said.contains("uri") || said.contains("target") || said.contains("encoding")) {
        return "the request path is not valid: a bad percent-encoding, or a character that must be "
            + "percent-encoded";
      }
      return status == 431 ? "the request headers are too large" : "the request is not valid HTTP";
    }
    return switch (status) {
      case 404 -> "no such endpoint; see the README for the API";
      case 405 -> "the method is not allowed on this path";
      case 408 -> "the request took too long to arrive";
      case 413 -> "the request is larger than this server accepts";
      case 414 -> "the request path is too long";
      case 415 -> "the request's content type is not supported here";
      case 500 -> "internal error; the server log has the details";
      case 503 -> "the service is unavailable; try again shortly";
      default -> "the request failed with HTTP status " + status;
    };
  }
}
