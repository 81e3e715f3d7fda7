package io.reprise.activities.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows a container's output: writes every byte to the log file and hands complete lines to a sink as they
 * arrive. Frames may split lines anywhere, so a partial line waits for its end.
 */
final class LogFollower extends ResultCallback.Adapter<Frame> {

  private final OutputStream file;
  private final Consumer<String> lines;
  private final StringBuilder partial = new StringBuilder();

  LogFollower(Path logFile, Consumer<String> lines) throws IOException {
    Files.createDirectories(logFile.getParent());
    this.file = Files.newOutputStream(logFile);
    this.lines = lines;
  }

  @Override
  public void onNext(Frame frame) {
    byte[] payload = frame.getPayload();
    try {
      file.write(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    synchronized (partial) {
      partial.append(new String(payload, StandardCharsets.UTF_8));
      int newline;
      while ((newline = partial.indexOf("\n")) >= 0) {
        lines.accept(partial.substring(0, newline));
        partial.delete(0, newline + 1);
      }
    }
  }

  /** Waits until the engine has sent the whole log, which it does when the container has stopped. */
  void awaitEnd(Duration limit) {
    try {
      awaitCompletion(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (partial) {
      if (!partial.isEmpty()) {
        lines.accept(partial.toString());
        partial.setLength(0);
      }
    }
  }

  @Override
  public void close() throws IOException {
    super.close();
    file.close();
  }
}
