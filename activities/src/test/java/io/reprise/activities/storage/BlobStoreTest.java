package io.reprise.activities.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.TestStack;
import io.reprise.activities.files.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content-addressed store on the real MinIO: a blob only ever holds the bytes of its own hash. */
class BlobStoreTest {

  private final MinioArtifactStore store = MinioArtifactStore.connect(TestStack.minio("reprise-test"));
  private final BlobStore blobs = new BlobStore(store);

  @TempDir
  Path dir;

  @Test
  void bytesClaimedUnderAnotherContentsHashAreRefusedAndNothingIsLeft() throws IOException {
    Path claimed = Files.writeString(dir.resolve("claimed"), "the victim's bytes " + UUID.randomUUID());
    Path forged = Files.writeString(dir.resolve("forged"), "forged bytes of the same length, or not");
    String victimHash = Sha256.of(claimed);

    assertThrows(BlobStore.HashMismatchException.class,
        () -> blobs.put(forged, victimHash, Files.size(forged), "text/plain"));

    assertFalse(blobs.contains(victimHash), "nothing was filed under the victim's hash");
    assertTrue(store.list("staging/").isEmpty(), "no staging object is left behind");
  }

  @Test
  void bytesWhoseHashIsTheKeyAreStoredOnceAndReadBack() throws IOException {
    Path file = Files.writeString(dir.resolve("f"), "content " + UUID.randomUUID());
    String hash = Sha256.of(file);

    assertTrue(blobs.put(file, hash, Files.size(file), "text/plain"), "new bytes are added");
    assertFalse(blobs.put(file, hash, Files.size(file), "text/plain"), "the same bytes are not added twice");
    try (InputStream in = store.open(StoreKeys.blob(hash)).orElseThrow()) {
      assertEquals(Files.readString(file), new String(in.readAllBytes()));
    }
  }

  @Test
  void aLinkIsNeverFollowedWhenBytesAreSent() throws IOException {
    Path target = Files.writeString(dir.resolve("target"), "behind a link " + UUID.randomUUID());
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);

    assertThrows(IOException.class, () -> blobs.put(link, Sha256.of(target), Files.size(target), "text/plain"));
  }
}
