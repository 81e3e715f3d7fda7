package io.reprise.activities.storage;

import io.reprise.activities.files.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * The content-addressed part of the store: bytes under the key of their own SHA-256. Nothing reaches a blob key
 * unchecked: the bytes are sent to a staging key while they are hashed, and only bytes whose hash is the key's are
 * copied there. So a blob never holds anything but the content its name promises, whatever a caller believed about
 * a file, and a later job that finds its hash stored can trust the bytes it gets.
 */
public final class BlobStore {

  /** Thrown when the bytes sent do not have the hash they were to be stored under. */
  public static class HashMismatchException extends IOException {
    public HashMismatchException(String message) {
      super(message);
    }
  }

  private final ArtifactStore store;

  public BlobStore(ArtifactStore store) {
    this.store = store;
  }

  public boolean contains(String sha256) {
    return store.stat(StoreKeys.blob(sha256)).isPresent();
  }

  /**
   * Stores the file's bytes as the blob of the given hash unless that blob exists. The file is opened without
   * following a link. Answers true when bytes were added, false when the blob was already there.
   */
  public boolean put(Path file, String sha256, long size, String contentType) throws IOException {
    String key = StoreKeys.blob(sha256);
    if (store.stat(key).isPresent()) {
      return false;
    }
    String staging = StoreKeys.staging(UUID.randomUUID().toString());
    MessageDigest digest = Sha256.digest();
    CountingStream counted;
    try (InputStream in = Sha256.openNoFollow(file)) {
      counted = new CountingStream(new DigestInputStream(in, digest));
      store.put(staging, counted, size, contentType);
    } catch (RuntimeException | IOException e) {
      store.delete(staging);
      throw e;
    }
    String actual = Sha256.hex(digest);
    if (counted.count != size || !actual.equals(sha256)) {
      store.delete(staging);
      throw new HashMismatchException("the bytes sent for blob " + sha256 + " have SHA-256 " + actual + " ("
          + counted.count + " of " + size + " bytes): the file changed after it was hashed");
    }
    store.copy(staging, key);
    store.delete(staging);
    return true;
  }

  /**
   * Makes sure the blob is stored, after a manifest that refers to it was written. A storage sweep that ran while the
   * manifest was being written may have moved the blob to the trash (it found it unreferenced: the manifest did not
   * exist yet); it is then taken back from the trash, or stored again from the file. Answers what was done:
   * {@code present}, {@code restored} or {@code uploaded}.
   */
  public String ensure(Path file, String sha256, long size, String contentType) throws IOException {
    if (contains(sha256)) {
      return "present";
    }
    if (restore(sha256)) {
      return "restored";
    }
    put(file, sha256, size, contentType);
    return "uploaded";
  }

  /**
   * Copies the blob back from the trash, when it is there and not stored already; answers whether it is stored now.
   * The trash copy stays for the sweep to delete.
   */
  public boolean restore(String sha256) {
    if (contains(sha256)) {
      return true;
    }
    String trash = StoreKeys.trash(sha256);
    if (store.stat(trash).isEmpty()) {
      return false;
    }
    try {
      store.copy(trash, StoreKeys.blob(sha256));
      return true;
    } catch (StorageException gone) {
      // A sweep freed it between the stat and the copy.
      return contains(sha256);
    }
  }

  /** Counts the bytes the store read, so a file that shrank or grew cannot pass for the one hashed. */
  private static final class CountingStream extends java.io.FilterInputStream {
    private long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
