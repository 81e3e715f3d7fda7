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
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows a container's output: writes its bytes to the log file, up to a limit, and hands complete lines to a
 * sink as they arrive. Frames may split lines anywhere, so a partial line waits for its end, but never grows past
 * {@link #MAX_LINE_BYTES}: the rest of a longer line is dropped from the sink (it stays in the file). Memory and
 * time are linear in the output whatever the program prints: one 100 MiB line, or 100 GiB of lines.
 */
final class LogFollower extends ResultCallback.Adapter<Frame> {

  /** Longest line handed to the sink, in bytes. */
  static final int MAX_LINE_BYTES = 8 * 1024;

  private final OutputStream file;
  private final Consumer<String> lines;
  private final long maxFileBytes;
  private final byte[] partial = new byte[MAX_LINE_BYTES];
  private int partialLength;
  private boolean overlong;
  private long written;
  private long dropped;
  private boolean closed;

  LogFollower(Path logFile, Consumer<String> lines, long maxFileBytes) throws IOException {
    Files.createDirectories(logFile.getParent());
    this.file = Files.newOutputStream(logFile);
    this.lines = lines;
    this.maxFileBytes = maxFileBytes;
  }

  @Override
  public void onNext(Frame frame) {
    byte[] payload = frame.getPayload();
    if (payload == null) {
      return;
    }
    synchronized (partial) {
      keep(payload);
      split(payload);
    }
  }

  private void keep(byte[] payload) {
    long room = Math.max(0, maxFileBytes - written);
    int kept = (int) Math.min(room, payload.length);
    try {
      if (kept > 0) {
        file.write(payload, 0, kept);
        written += kept;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (kept < payload.length) {
      if (dropped == 0) {
        lines.accept("[reprise] the log reached its limit of " + maxFileBytes + " bytes; later output is not kept");
      }
      dropped += payload.length - kept;
    }
  }

  private void split(byte[] payload) {
    for (byte b : payload) {
      if (b == '\n') {
        emit();
        overlong = false;
      } else if (overlong) {
        continue;
      } else if (partialLength < MAX_LINE_BYTES) {
        partial[partialLength++] = b;
      } else {
        // The line is longer than a sink line may be: hand on what there is now and drop the rest of it.
        overlong = true;
        lines.accept(decode() + " [… line cut at " + MAX_LINE_BYTES + " bytes]");
        partialLength = 0;
      }
    }
  }

  private void emit() {
    if (!overlong) {
      lines.accept(decode());
    }
    partialLength = 0;
  }

  private String decode() {
    return new String(Arrays.copyOf(partial, partialLength), StandardCharsets.UTF_8);
  }

  /** Bytes the program wrote past the log's limit. */
  long droppedBytes() {
    synchronized (partial) {
      return dropped;
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
      if (partialLength > 0 && !overlong) {
        lines.accept(decode());
      }
      partialLength = 0;
    }
  }

  // The engine's callback closes itself when the stream completes, and the caller closes it again.
  @Override
  public void close() throws IOException {
    super.close();
    synchronized (partial) {
      if (closed) {
        return;
      }
      closed = true;
      if (dropped > 0) {
        file.write(("\n[reprise] the log was cut at " + maxFileBytes + " bytes; " + dropped
            + " more bytes were not kept\n").getBytes(StandardCharsets.UTF_8));
      }
      file.close();
    }
  }
}
