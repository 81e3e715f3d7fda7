package io.reprise.activities.docker;

import java.util.List;
import java.util.Locale;

/**
 * The engine refused to start a job's container for a reason the compendium gave: its command names no file, a
 * file that is not executable or not a program for this machine, or its image has a file where the job's folders
 * are mounted. Starting again gives the same answer, so this is a user error, not an infrastructure one.
 */
public class ProgramCannotStartException extends RuntimeException {

  // What runc says when the image, not the engine, is at fault. Matched in the engine's message, in lower case.
  private static final List<String> IMAGE_FAULTS = List.of(
      "executable file not found",
      "no such file or directory",
      "permission denied",
      "exec format error",
      "not a directory",
      "is a directory",
      "unable to find user",
      "no users found",
      "trying to mount a directory onto a file");

  public ProgramCannotStartException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * True when an engine's refusal to create or start a container is the image's fault: the OCI runtime could not
   * start the container's process (or mount into its file system) for one of the reasons above. An engine that
   * is down or out of resources says something else and stays an infrastructure error.
   */
  public static boolean causedByImage(String engineMessage) {
    if (engineMessage == null) {
      return false;
    }
    String message = engineMessage.toLowerCase(Locale.ROOT);
    boolean runtime = message.contains("oci runtime") || message.contains("unable to start container process")
        || message.contains("error during container init");
    return runtime && IMAGE_FAULTS.stream().anyMatch(message::contains);
  }
}
