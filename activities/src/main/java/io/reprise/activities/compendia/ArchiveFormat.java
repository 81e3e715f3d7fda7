package io.reprise.activities.compendia;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The archive formats Reprise reads, told apart by their first bytes rather than by a file name. */
public enum ArchiveFormat {
  ZIP("application/zip"),
  TAR_GZ("application/gzip");

  private final String contentType;

  ArchiveFormat(String contentType) {
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }

  public static Optional<ArchiveFormat> sniff(byte[] head) {
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K'
        && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))) {
      return Optional.of(ZIP);
    }
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return Optional.of(TAR_GZ);
    }
    return Optional.empty();
  }

  public static Optional<ArchiveFormat> sniff(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sniff(in.readNBytes(4));
    }
  }
}
