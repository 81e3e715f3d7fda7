package io.reprise.cli;

/**
 * An error the user should read as one line, {@code reprise: <message>}, with exit code 2: a usage problem found
 * after parsing, a connection that failed, or an error answer from the server (whose {"error"} text is the
 * message). Never a stack trace: the message is all the user sees.
 */
final class CliException extends RuntimeException {

  private final int status;

  CliException(String message) {
    this(message, 0);
  }

  /** An error answer: the HTTP status (0 when there was none) and the server's text. */
  CliException(String message, int status) {
    super(message);
    this.status = status;
  }

  /** The HTTP status of the error answer, or 0 when the error did not come from the server. */
  int status() {
    return status;
  }
}
