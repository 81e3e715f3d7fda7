package io.reprise.activities.docker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds images and runs fenced containers. Implementations throw {@link BuildFailedException} for a build that
 * fails on its own terms (a user error) and other runtime exceptions when the engine cannot be reached.
 */
public interface ContainerEngine {

  /**
   * Builds the image in the context folder with no network, within the limits, and tags it. Each log line goes to
   * the sink as it arrives; the heartbeat is called about once a second while the build runs, whether or not it
   * prints. When the heartbeat throws (the job was cancelled, the attempt is over), the build is stopped, its step
   * container killed, and the exception passes on. A build past its time limit is stopped the same way and fails
   * with a {@link BuildFailedException}.
   */
  Built build(Path context, String tag, BuildLimits limits, Consumer<String> logLine, Runnable heartbeat);

  /**
   * The fence around a build's steps: memory (swap included), CPUs, processes (all steps' processes together;
   * 0 for none), and the wall-clock time of the whole build.
   */
  record BuildLimits(long memoryBytes, double cpus, long pids, Duration timeout) {}

  /** The image a build made (its full id), and the limits it ran under, as a line for the step text. */
  record Built(String imageId, String fence) {}

  /** True when the engine has an image by that name or id. */
  boolean imageExists(String reference);

  /** Tags an existing image (by id) with a name such as reprise/job-x:latest. */
  void tag(String imageId, String tag);

  /** The engine's version, for provenance. */
  String version();

  /** The environment an image's containers start with (its ENV), for provenance. */
  List<String> imageEnvironment(String reference);

  /** The image's full id (sha256:…). */
  String imageId(String reference);

  /** The tagged images a compendium can build on: every tag on the engine except the images of jobs. */
  List<String> baseImages();

  /**
   * Runs a container to its end, or until the spec's time limit, sending each log line to the sink as it comes and
   * calling the heartbeat while it waits. When the heartbeat throws (the job was cancelled), the container is
   * killed and the exception passes on; when it throws {@link LeaveRunning}, the container is left running and
   * the wrapped exception passes on. When a container of the spec's name exists (a retried attempt), it is not
   * started twice: a running one is waited for, and one that has exited gives its outcome.
   */
  RunOutcome run(RunSpec spec, Consumer<String> logLine, Runnable heartbeat);

  /**
   * Thrown by a heartbeat to stop waiting for a container without stopping it: the worker is shutting down, or
   * the attempt timed out, and the activity's next attempt finds the container and waits for it or takes its
   * outcome.
   */
  class LeaveRunning extends RuntimeException {
    public LeaveRunning(RuntimeException cause) {
      super(cause.getMessage(), cause);
    }

    /** The exception to pass on. */
    public RuntimeException reason() {
      return (RuntimeException) getCause();
    }
  }

  /** The tags of job images on the engine ({@code reprise/job-<id>:latest}); none by default. */
  default List<String> jobImages() {
    return List.of();
  }

  /** The registry job images are pushed to and pulled from; null when there is none. */
  default ImageRegistry registry() {
    return null;
  }

  /**
   * Pushes the image (by id) to the registry as {@code repository:tag} and answers its repository digest,
   * {@code repository@sha256:...}, by which any engine can pull exactly these bytes. The heartbeat is called about
   * once a second while the push runs; when it throws, the push is abandoned and the exception passes on.
   */
  default String push(String imageId, String repository, String tag, Runnable heartbeat) {
    throw new UnsupportedOperationException("this engine has no registry");
  }

  /**
   * Pulls an image by reference (a digest reference in practice) from the registry, calling the heartbeat about
   * once a second; a reference that the registry does not have fails with {@link ImageNotFoundException}.
   */
  default void pull(String reference, Runnable heartbeat) {
    throw new UnsupportedOperationException("this engine has no registry");
  }

  /** The image's repository digests ({@code name@sha256:...}) as the engine knows them; none for a local image. */
  default List<String> repoDigests(String reference) {
    return List.of();
  }

  /** Thrown when a registry has no image of that reference. */
  class ImageNotFoundException extends RuntimeException {
    public ImageNotFoundException(String message) {
      super(message);
    }
  }

  /** Removes the image by name or id; no error when there is none. */
  void removeImage(String reference);

  /** Removes the container by name, whether running or not; no error when there is none. */
  boolean removeContainer(String name);
}
