package io.reprise.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The saved login: a folder only its owner may enter (700) with the token (600) and the server it was checked
 * against. A token is a password, so its file is created with mode 600 from the start (never written first and
 * restricted after) in the same folder, and then renamed over the old one: no reader ever sees a half-written or
 * briefly world-readable token.
 */
record TokenFile(Path folder) {

  static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

  Path tokenPath() {
    return folder.resolve("token");
  }

  Path serverPath() {
    return folder.resolve("server");
  }

  /** The saved token, if there is one. */
  Optional<String> token() {
    return read(tokenPath());
  }

  /** The server URL saved at login, if there is one. */
  Optional<String> server() {
    return read(serverPath());
  }

  /** Saves the token and the server it belongs to, each file replaced whole. */
  void save(String token, String server) {
    try {
      ensureFolder();
      write(tokenPath(), token);
      write(serverPath(), server);
    } catch (IOException e) {
      throw new CliException("cannot save the token in " + folder + ": " + e.getMessage());
    }
  }

  /** Forgets the token; answers whether there was one. */
  boolean delete() {
    try {
      return Files.deleteIfExists(tokenPath());
    } catch (IOException e) {
      throw new CliException("cannot delete " + tokenPath() + ": " + e.getMessage());
    }
  }

  private void ensureFolder() throws IOException {
    if (!Files.isDirectory(folder)) {
      Files.createDirectories(folder.getParent());
      try {
        Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(FOLDER_MODE));
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // Another reprise made it meanwhile; its mode is set below.
      }
    }
    // createDirectory's mode passes through the umask, and an existing folder may be wider: set it outright.
    Files.setPosixFilePermissions(folder, FOLDER_MODE);
  }

  private void write(Path target, String content) throws IOException {
    Path temporary = Files.createTempFile(folder, ".reprise-", ".tmp", PosixFilePermissions.asFileAttribute(FILE_MODE));
    try {
      Files.writeString(temporary, content + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static Optional<String> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
