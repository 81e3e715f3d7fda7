package io.reprise.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Zips a compendium folder for upload, with every file in it: hidden files too, nothing skipped silently. A
 * symbolic link that stays inside the folder is stored as a copy of the file it points at (zip has no portable
 * links, and the server refuses links that leave the archive); one that points outside, or at a folder, and any
 * special file (a pipe, a socket, a device) is refused with its path, since leaving it out would run a different
 * compendium than the one on disk. Entries are sorted, so the same folder gives the same entry order.
 */
final class FolderZip {

  private FolderZip() {}

  /** What the zip holds: the number of files and folders. */
  record Summary(int files, int folders) {}

  static Summary zip(Path folder, OutputStream target) throws IOException {
    Path root = folder.toRealPath();
    List<Path> entries = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        if (!dir.equals(root)) {
          entries.add(dir);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        entries.add(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException problem) throws IOException {
        throw new CliException("cannot read " + root.relativize(file) + ": " + problem.getMessage());
      }
    });
    entries.sort(null);
    int files = 0;
    int folders = 0;
    try (ZipOutputStream zip = new ZipOutputStream(target)) {
      for (Path path : entries) {
        String name = root.relativize(path).toString().replace('\\', '/');
        if (Files.isSymbolicLink(path)) {
          Path resolved;
          try {
            resolved = path.toRealPath();
          } catch (IOException e) {
            throw new CliException("the symbolic link " + name + " points nowhere");
          }
          if (!resolved.startsWith(root)) {
            throw new CliException("the symbolic link " + name + " points outside " + folder
                + "; copy the file in instead");
          }
          if (!Files.isRegularFile(resolved)) {
            throw new CliException("the symbolic link " + name + " points at a folder; zip links are not portable,"
                + " copy it in instead");
          }
          add(zip, name, resolved);
          files++;
        } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          ZipEntry entry = new ZipEntry(name + "/");
          entry.setTime(Files.getLastModifiedTime(path).toMillis());
          zip.putNextEntry(entry);
          zip.closeEntry();
          folders++;
        } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
          add(zip, name, path);
          files++;
        } else {
          throw new CliException(name + " is not a file, folder or link (a pipe, socket or device); remove it");
        }
      }
    }
    return new Summary(files, folders);
  }

  private static void add(ZipOutputStream zip, String name, Path file) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setTime(Files.getLastModifiedTime(file).toMillis());
    zip.putNextEntry(entry);
    try {
      Files.copy(file, zip);
    } catch (IOException e) {
      throw new CliException("cannot read " + name + ": " + e.getMessage());
    }
    zip.closeEntry();
  }
}
