package io.reprise.api.web;

import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** An error a client can act on: its status, a message that says what to change, and headers it needs. */
public class ApiException extends RuntimeException {

  private final HttpStatus status;
  private final Map<String, String> headers;

  public ApiException(HttpStatus status, String message) {
    this(status, message, Map.of());
  }

  public ApiException(HttpStatus status, String message, Map<String, String> headers) {
    super(message);
    this.status = status;
    this.headers = Map.copyOf(headers);
  }

  public HttpStatus status() {
    return status;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** A range that starts past the end of a file of this size: 416, with the size in Content-Range. */
  public static ApiException rangeNotSatisfiable(long size) {
    return new ApiException(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "the range starts past the end of the file ("
        + size + " bytes)", Map.of(HttpHeaders.CONTENT_RANGE, "bytes */" + size));
  }

  public static ApiException notFound(String message) {
    return new ApiException(HttpStatus.NOT_FOUND, message);
  }

  public static ApiException badRequest(String message) {
    return new ApiException(HttpStatus.BAD_REQUEST, message);
  }
}
