package io.reprise.activities.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The artifact store as a map in memory, for tests that need no MinIO. */
public final class MemoryArtifactStore implements ArtifactStore {
  public final Map<String, byte[]> objects = new TreeMap<>();

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
    return Optional.ofNullable(objects.get(key))
        .map(bytes -> new StoredObject(key, bytes.length, "application/octet-stream", null));
  }

  @Override
  public Optional<InputStream> open(String key) {
    return Optional.ofNullable(objects.get(key)).map(ByteArrayInputStream::new);
  }

  @Override
  public Optional<InputStream> open(String key, long offset, long length) {
    return Optional.ofNullable(objects.get(key))
        .map(bytes -> new ByteArrayInputStream(bytes, (int) offset, (int) Math.min(length, bytes.length - offset)));
  }

  @Override
  public void download(String key, Path target) {
    try {
      Files.write(target, objects.get(key));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<StoredObject> list(String prefix) {
    return objects.keySet().stream().filter(key -> key.startsWith(prefix))
        .map(key -> stat(key).orElseThrow()).toList();
  }

  @Override
  public void copy(String fromKey, String toKey) {
    objects.put(toKey, objects.get(fromKey).clone());
  }

  @Override
  public void delete(String key) {
    objects.remove(key);
  }
}
