package io.reprise.activities.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An artifact store in memory, for tests that need no MinIO. Besides stored bytes it holds generated objects: a size
 * and a byte pattern, produced as they are read, so a test can store a log far larger than its heap and count how
 * many bytes the code under test read.
 */
public class MemoryArtifactStore implements ArtifactStore {

  private final Map<String, byte[]> objects = new TreeMap<>();
  private final Map<String, Long> generated = new TreeMap<>();
  private final AtomicLong bytesRead = new AtomicLong();

  /** Stores an object of the given size whose bytes are the pattern repeated; nothing is held in memory. */
  public void putGenerated(String key, long size) {
    generated.put(key, size);
  }

  public void put(String key, String text) {
    objects.put(key, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Bytes handed out by every stream opened so far. */
  public long bytesRead() {
    return bytesRead.get();
  }

  public Map<String, byte[]> objects() {
    return objects;
  }

  @Override
  public void put(String key, Path file, String contentType) {
    try {
      objects.put(key, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void put(String key, InputStream data, long size, String contentType) {
    try {
      objects.put(key, data.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Optional<StoredObject> stat(String key) {
    if (generated.containsKey(key)) {
      return Optional.of(new StoredObject(key, generated.get(key), "text/plain", Instant.EPOCH));
    }
    return Optional.ofNullable(objects.get(key))
        .map(bytes -> new StoredObject(key, bytes.length, "application/octet-stream", Instant.EPOCH));
  }

  @Override
  public Optional<InputStream> open(String key) {
    return open(key, 0, Long.MAX_VALUE);
  }

  @Override
  public Optional<InputStream> open(String key, long offset, long length) {
    Optional<StoredObject> stat = stat(key);
    if (stat.isEmpty()) {
      return Optional.empty();
    }
    long end = Math.min(stat.get().size(), offset + Math.min(length, Long.MAX_VALUE - offset));
    byte[] bytes = objects.get(key);
    return Optional.of(new InputStream() {
      long position = offset;

      @Override
      public int read() {
        if (position >= end) {
          return -1;
        }
        bytesRead.incrementAndGet();
        return byteAt(position++);
      }

      @Override
      public int read(byte[] buffer, int from, int count) {
        if (position >= end) {
          return -1;
        }
        int n = (int) Math.min(count, end - position);
        for (int i = 0; i < n; i++) {
          buffer[from + i] = (byte) byteAt(position++);
        }
        bytesRead.addAndGet(n);
        return n;
      }

      private int byteAt(long at) {
        // Generated objects are lines of 63 letters: "aaaa…\n", "bbbb…\n", and so on.
        return bytes != null ? bytes[(int) at] & 0xff : at % 64 == 63 ? '\n' : 'a' + (int) (at / 64 % 26);
      }
    });
  }

  @Override
  public void download(String key, Path target) {
    try (InputStream in = open(key).orElseThrow()) {
      Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<StoredObject> list(String prefix) {
    TreeMap<String, Long> sizes = new TreeMap<>();
    objects.forEach((key, bytes) -> sizes.put(key, (long) bytes.length));
    sizes.putAll(generated);
    return sizes.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
        .map(e -> new StoredObject(e.getKey(), e.getValue(), "application/octet-stream", Instant.EPOCH)).toList();
  }

  @Override
  public void copy(String fromKey, String toKey) {
    objects.put(toKey, objects.get(fromKey).clone());
  }

  @Override
  public void delete(String key) {
    objects.remove(key);
    generated.remove(key);
  }
}
