package io.reprise.activities.compendia;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks zip and tar.gz archives so that nothing lands outside the target folder: entries with absolute paths or
 * {@code ..} that climb out are refused, and so are symbolic and hard links that point outside. Links are made only
 * after every file is written, so no file is ever written through a link, and each link's real target is checked
 * once all of them exist. Sizes are counted as bytes are written, not taken from headers.
 */
public final class SafeUnpacker {

  private final UnpackLimits limits;

  public SafeUnpacker(UnpackLimits limits) {
    this.limits = limits;
  }

  /** Unpacks the archive into the target folder, which must be empty or absent. */
  public UnpackSummary unpack(Path archive, Path target) throws IOException, UnsafeArchiveException {
    ArchiveFormat format = ArchiveFormat.sniff(archive)
        .orElseThrow(() -> new UnsafeArchiveException("not a zip or tar.gz archive"));
    Files.createDirectories(target);
    Path root = target.toRealPath();
    Job job = new Job(root, Files.size(archive));
    switch (format) {
      case ZIP -> unpackZip(archive, job);
      case TAR_GZ -> unpackTarGz(archive, job);
    }
    job.makeLinks();
    return new UnpackSummary(format.name().toLowerCase().replace('_', '.'), job.files, job.directories,
        job.links.size(), job.bytes);
  }

  private void unpackZip(Path archive, Job job) throws IOException, UnsafeArchiveException {
    try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
      Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
      while (entries.hasMoreElements()) {
        ZipArchiveEntry entry = entries.nextElement();
        job.countEntry();
        if (entry.isUnixSymlink()) {
          job.link(entry.getName(), zip.getUnixSymlink(entry), false);
        } else if (entry.isDirectory()) {
          job.directory(entry.getName());
        } else {
          try (InputStream in = zip.getInputStream(entry)) {
            job.file(entry.getName(), in, (entry.getUnixMode() & 0100) != 0);
          }
        }
      }
    }
  }

  private void unpackTarGz(Path archive, Job job) throws IOException, UnsafeArchiveException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
         TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        job.countEntry();
        if (entry.isSymbolicLink()) {
          job.link(entry.getName(), entry.getLinkName(), false);
        } else if (entry.isLink()) {
          job.link(entry.getName(), entry.getLinkName(), true);
        } else if (entry.isDirectory()) {
          job.directory(entry.getName());
        } else if (entry.isFile()) {
          job.file(entry.getName(), tar, (entry.getMode() & 0100) != 0);
        } else {
          throw new UnsafeArchiveException("entry " + entry.getName() + " is a device, fifo or other special file");
        }
      }
    }
  }

  /** The state of one unpacking. */
  private final class Job {
    private final Path root;
    private final long archiveSize;
    private final List<PendingLink> links = new ArrayList<>();
    private int entries;
    private int files;
    private int directories;
    private long bytes;

    Job(Path root, long archiveSize) {
      this.root = root;
      this.archiveSize = archiveSize;
    }

    void countEntry() throws UnsafeArchiveException {
      if (++entries > limits.maxEntries()) {
        throw new UnsafeArchiveException("more than " + limits.maxEntries() + " entries");
      }
    }

    /** The entry's place under the root, refusing names that would land anywhere else. */
    Path place(String name) throws UnsafeArchiveException {
      if (name == null || name.isBlank() || name.indexOf('\0') >= 0) {
        throw new UnsafeArchiveException("an entry has an empty or invalid name");
      }
      String normalizedName = name.replace('\\', '/');
      if (normalizedName.startsWith("/") || normalizedName.matches("^[A-Za-z]:.*")) {
        throw new UnsafeArchiveException("entry " + name + " has an absolute path");
      }
      try {
        Path place = root.resolve(normalizedName).normalize();
        if (!place.startsWith(root) || place.equals(root) && !normalizedName.matches("^(\\./?)*$")) {
          throw new UnsafeArchiveException("entry " + name + " would land outside the compendium folder");
        }
        return place;
      } catch (InvalidPathException e) {
        throw new UnsafeArchiveException("entry " + name + " has an invalid name");
      }
    }

    void directory(String name) throws IOException, UnsafeArchiveException {
      Path dir = place(name);
      createParents(dir);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(dir);
        directories++;
      }
    }

    void file(String name, InputStream in, boolean executable) throws IOException, UnsafeArchiveException {
      Path file = place(name);
      if (file.equals(root)) {
        throw new UnsafeArchiveException("entry " + name + " names the compendium folder itself");
      }
      createParents(file);
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new UnsafeArchiveException("entry " + name + " appears twice");
      }
      try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE_NEW)) {
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = in.read(buffer)) >= 0) {
          bytes += read;
          checkSize();
          out.write(buffer, 0, read);
        }
      } catch (FileAlreadyExistsException e) {
        throw new UnsafeArchiveException("entry " + name + " appears twice");
      }
      if (executable) {
        file.toFile().setExecutable(true, false);
      }
      files++;
    }

    private void checkSize() throws UnsafeArchiveException {
      if (bytes > limits.maxBytes()) {
        throw new UnsafeArchiveException("unpacks to more than " + limits.maxBytes() + " bytes");
      }
      if (bytes > 1024 * 1024 && bytes > limits.maxRatio() * Math.max(1, archiveSize)) {
        throw new UnsafeArchiveException("unpacks to more than " + limits.maxRatio()
            + " times its own size (a compression bomb?)");
      }
    }

    /** Creates the parent folders of an entry, refusing to pass through anything but real folders. */
    private void createParents(Path place) throws IOException, UnsafeArchiveException {
      Path parent = place.getParent();
      for (Path p = root; !p.equals(parent); ) {
        p = p.resolve(parent.getName(p.getNameCount()));
        if (Files.isSymbolicLink(p)) {
          throw new UnsafeArchiveException("entry " + root.relativize(place) + " passes through a link");
        }
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(p);
          directories++;
        } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new UnsafeArchiveException("entry " + root.relativize(place) + " is inside a file");
        }
      }
    }

    void link(String name, String target, boolean hard) throws UnsafeArchiveException {
      Path place = place(name);
      if (target == null || target.isBlank()) {
        throw new UnsafeArchiveException("link " + name + " has no target");
      }
      Path resolved;
      if (hard) {
        // A hard link's target is another entry's name, relative to the archive's root.
        resolved = place(target);
      } else {
        if (target.startsWith("/")) {
          throw new UnsafeArchiveException("link " + name + " points to an absolute path (" + target + ")");
        }
        resolved = place.getParent().resolve(target).normalize();
        if (!resolved.startsWith(root)) {
          throw new UnsafeArchiveException("link " + name + " points outside the compendium folder (" + target + ")");
        }
      }
      links.add(new PendingLink(name, place, target, resolved, hard));
    }

    /** Makes the links last, then checks where each one really leads now that all of them exist. */
    void makeLinks() throws IOException, UnsafeArchiveException {
      for (PendingLink link : links) {
        createParents(link.place);
        if (Files.exists(link.place, LinkOption.NOFOLLOW_LINKS)) {
          throw new UnsafeArchiveException("entry " + link.name + " appears twice");
        }
        if (link.hard) {
          if (!Files.isRegularFile(link.resolved, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnsafeArchiveException("hard link " + link.name + " does not point to a file in the archive");
          }
          // A copy rather than a hard link keeps the job's files independent of each other.
          Files.copy(link.resolved, link.place);
          bytes += Files.size(link.place);
          checkSize();
        } else {
          Files.createSymbolicLink(link.place, Path.of(link.target));
        }
      }
      for (PendingLink link : links) {
        if (!link.hard && Files.exists(link.place)) {
          Path real = link.place.toRealPath();
          if (!real.startsWith(root)) {
            throw new UnsafeArchiveException("link " + link.name + " leads outside the compendium folder");
          }
        }
      }
    }
  }

  private record PendingLink(String name, Path place, String target, Path resolved, boolean hard) {}
}
