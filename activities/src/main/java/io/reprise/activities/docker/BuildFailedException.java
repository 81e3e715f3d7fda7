package io.reprise.activities.docker;

/** The image did not build: the Dockerfile or what it runs failed, not the engine. */
public class BuildFailedException extends RuntimeException {
  public BuildFailedException(String message, Throwable cause) {
    super(message, cause);
  }

  public BuildFailedException(String message) {
    super(message);
  }
}
