package io.reprise.api.web;

import io.reprise.activities.audits.JobComparison;
import io.reprise.activities.storage.StorageException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error leaves the API as {@code {"error": "..."}} with its status: never a stack trace or a server path.
 * Unexpected errors are logged here with their stack and answered with a generic message.
 */
@RestControllerAdvice
public class ApiErrors {

  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  // Error bodies are JSON and nothing else: a browser must never sniff one into a page.
  public static ResponseEntity<Map<String, String>> body(HttpStatusCode status, String message) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
        .header("X-Content-Type-Options", "nosniff").body(Map.of("error", message));
  }

  @ExceptionHandler(ApiException.class)
  ResponseEntity<Map<String, String>> api(ApiException e) {
    ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON)
        .header("X-Content-Type-Options", "nosniff");
    e.headers().forEach(response::header);
    return response.body(Map.of("error", e.getMessage()));
  }

  /** A comparison named a job that has no stored outputs. */
  @ExceptionHandler(JobComparison.NotStoredException.class)
  ResponseEntity<Map<String, String>> notStored(JobComparison.NotStoredException e) {
    return body(HttpStatus.NOT_FOUND, e.getMessage());
  }

  @ExceptionHandler(MaxUploadSizeExceededException.class)
  ResponseEntity<Map<String, String>> tooLarge(MaxUploadSizeExceededException e) {
    return body(HttpStatus.CONTENT_TOO_LARGE, "the upload is larger than this server accepts");
  }

  @ExceptionHandler(MissingServletRequestPartException.class)
  ResponseEntity<Map<String, String>> missingPart(MissingServletRequestPartException e) {
    return body(HttpStatus.BAD_REQUEST, "the multipart field '" + e.getRequestPartName() + "' is missing");
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<Map<String, String>> missingParameter(MissingServletRequestParameterException e) {
    return body(HttpStatus.BAD_REQUEST, "the parameter '" + e.getParameterName() + "' is missing");
  }

  @ExceptionHandler(StorageException.class)
  ResponseEntity<Map<String, String>> storage(StorageException e) {
    log.warn("storage unavailable: {}", e.getMessage());
    return body(HttpStatus.SERVICE_UNAVAILABLE, "the artifact store is unavailable; try again shortly");
  }

  /** Temporal did not answer, or refused a request; over its rate limit, 429 (see {@link #overLimit}). */
  @ExceptionHandler(io.grpc.StatusRuntimeException.class)
  ResponseEntity<Map<String, String>> temporal(io.grpc.StatusRuntimeException e) {
    if (e.getStatus().getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED) {
      return overLimit(e);
    }
    log.warn("Temporal request failed: {}", e.getStatus());
    return body(HttpStatus.SERVICE_UNAVAILABLE, "Temporal is unavailable; try again shortly");
  }

  /**
   * Temporal refused a request over its rate limit (RESOURCE_EXHAUSTED: the namespace's or the frontend's requests
   * a second, README "The stack"). Temporal is up and answers again within a second: 429 with Retry-After, never
   * "unavailable", so a client slows down instead of reporting an outage.
   */
  static ResponseEntity<Map<String, String>> overLimit(Throwable e) {
    log.debug("Temporal refused a request over its rate limit: {}", e.getMessage());
    return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).contentType(MediaType.APPLICATION_JSON)
        .header("X-Content-Type-Options", "nosniff").header(org.springframework.http.HttpHeaders.RETRY_AFTER, "1")
        .body(Map.of("error", "too many requests to Temporal at once; try again in a second"));
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
    return body(HttpStatus.BAD_REQUEST, "the request body is not valid JSON of the expected shape");
  }

  /** Tomcat decodes query parameters and form fields lazily; a bad percent-encoding shows up here. */
  @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
  ResponseEntity<Map<String, String>> badParameter(org.apache.tomcat.util.http.InvalidParameterException e) {
    return body(HttpStatus.BAD_REQUEST, "a query parameter or form field is not valid percent-encoding");
  }

  /**
   * The Temporal client wraps a failed call (WorkflowServiceException around the gRPC status), so an unreachable
   * Temporal arrives here, not at {@link #temporal}, from describe, start and the like: it is an outage, 503; a
   * request over Temporal's rate limit is not, and answers 429.
   */
  private static io.grpc.Status.Code temporalOutage(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof io.grpc.StatusRuntimeException grpc) {
        io.grpc.Status.Code code = grpc.getStatus().getCode();
        return code == io.grpc.Status.Code.UNAVAILABLE || code == io.grpc.Status.Code.DEADLINE_EXCEEDED
            || code == io.grpc.Status.Code.RESOURCE_EXHAUSTED ? code : null;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return null;
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Map<String, String>> other(Exception e) {
    io.grpc.Status.Code outage = temporalOutage(e);
    if (outage == io.grpc.Status.Code.RESOURCE_EXHAUSTED) {
      return overLimit(e);
    }
    if (outage != null) {
      log.warn("Temporal request failed: {} ({})", outage, e.getClass().getSimpleName());
      return body(HttpStatus.SERVICE_UNAVAILABLE, "Temporal is unavailable; try again shortly");
    }
    // Spring's own errors (unknown path, wrong method, unsupported media type) keep their status with our body.
    if (e instanceof NoResourceFoundException) {
      return body(HttpStatus.NOT_FOUND, "no such endpoint; see the README for the API");
    }
    if (e instanceof ErrorResponse error) {
      String detail = error.getBody().getDetail();
      return body(error.getStatusCode(), detail == null ? error.getStatusCode().toString() : detail);
    }
    log.error("unexpected error", e);
    return body(HttpStatus.INTERNAL_SERVER_ERROR, "internal error; the server log has the details");
  }
}
