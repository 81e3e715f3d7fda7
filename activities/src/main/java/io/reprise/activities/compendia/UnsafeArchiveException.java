package io.reprise.activities.compendia;

/** The archive cannot be unpacked safely or is not an archive Reprise reads; the message says why. */
public class UnsafeArchiveException extends Exception {
  public UnsafeArchiveException(String message) {
    super(message);
  }
}
