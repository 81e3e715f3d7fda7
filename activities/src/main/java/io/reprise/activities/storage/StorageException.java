package io.reprise.activities.storage;

/** The store could not be reached or refused a request: an infrastructure error, worth retrying. */
public class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
