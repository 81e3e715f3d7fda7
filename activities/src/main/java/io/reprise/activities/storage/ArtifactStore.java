package io.reprise.activities.storage;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Durable storage for compendia, working directories, logs and results. Keys are slash-separated paths; see
 * {@link StoreKeys} for the layout. Every method throws {@link StorageException} when the store cannot be reached,
 * which callers treat as an infrastructure error.
 */
public interface ArtifactStore {

  /** Stores a local file under the key, replacing what was there. */
  void put(String key, Path file, String contentType);

  /** Stores a stream of known size under the key, replacing what was there. */
  void put(String key, InputStream data, long size, String contentType);

  /** The object's size and type, or empty when there is no such key. */
  Optional<StoredObject> stat(String key);

  /** Opens the object for reading; the caller closes the stream. Empty when there is no such key. */
  Optional<InputStream> open(String key);

  /** Opens a byte range of the object (offset, then at most length bytes). Empty when there is no such key. */
  Optional<InputStream> open(String key, long offset, long length);

  /** Copies the object to a local file, replacing it. */
  void download(String key, Path target);

  /** Copies an object to another key inside the store, replacing what was there. */
  void copy(String fromKey, String toKey);

  /** Deletes the object; no error when there is none. */
  void delete(String key);

  /** Every object whose key starts with the prefix, in key order. */
  List<StoredObject> list(String prefix);
}
