package io.reprise.activities.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/** SHA-256, in one place: of a file opened without following a link, and of a digest as lower-case hex. */
public final class Sha256 {

  private Sha256() {}

  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  public static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Opens a file for reading, refusing a symbolic link in its last name (O_NOFOLLOW): a program must not make the
   * worker read a file of the host through a link it planted where a file was walked.
   */
  public static InputStream openNoFollow(Path file) throws IOException {
    return Channels.newInputStream(java.nio.file.Files.newByteChannel(file,
        Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)));
  }

  /** The SHA-256 of a file's bytes, read without following a link. */
  public static String of(Path file) throws IOException {
    try (InputStream in = openNoFollow(file)) {
      MessageDigest digest = digest();
      byte[] buffer = new byte[64 * 1024];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, read);
      }
      return hex(digest);
    }
  }
}
