package io.reprise.activities.docker;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Builds images and runs fenced containers. Implementations throw {@link BuildFailedException} for a build that
 * fails on its own terms (a user error) and other runtime exceptions when the engine cannot be reached.
 */
public interface ContainerEngine {

  /**
   * Builds the image in the context folder with no network and tags it; each log line goes to the sink as it
   * arrives. Answers the image id.
   */
  String build(Path context, String tag, Consumer<String> logLine);

  /** True when the engine has an image by that name or id. */
  boolean imageExists(String reference);

  /**
   * Runs a container to its end, or until the spec's time limit, calling the heartbeat while it waits. When a
   * container of the spec's name is still running (a retried attempt), it is waited for instead of started twice.
   */
  RunOutcome run(RunSpec spec, Runnable heartbeat);

  /** Removes the container by name, whether running or not; no error when there is none. */
  boolean removeContainer(String name);
}
