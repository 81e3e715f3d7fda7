package io.reprise.activities.compendia;

import io.reprise.activities.files.PortablePath;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.archivers.zip.UnsupportedZipFeatureException;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks zip and tar.gz archives so that nothing lands outside the target folder: entries with absolute paths or
 * {@code ..} that climb out are refused, and so are symbolic and hard links that point outside. Links are made only
 * after every file is written, so no file is ever written through a link. Symbolic links come first and each one's
 * real target is checked once all of them exist; hard links are then copied, only from regular files reached
 * without following any link. Sizes are counted as bytes are written, not taken from headers, and nothing of an
 * entry is read whole into memory: link targets and tar headers are read up to a small bound.
 *
 * <p>An archive that cannot be read to its end (cut short, corrupt, a gzip with no tar inside) is refused as
 * such; only errors of the target folder's disk remain {@link IOException}s, the kind of error a retry may mend.
 */
public final class SafeUnpacker {

  /** The longest link target and entry name, in bytes: Linux's PATH_MAX. */
  static final int MAX_PATH_BYTES = 4096;

  /** The longest file name, in bytes, of one path component: what Linux file systems accept. */
  static final int MAX_NAME_BYTES = 255;

  /**
   * What one tar header may take, GNU long names and PAX extended headers included. commons-compress reads those
   * whole into memory, so the bytes it may pull from the archive while it reads a header are counted.
   */
  static final int MAX_TAR_HEADER_BYTES = 64 * 1024;

  private static final int TAR_RECORD = 512;

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
    if (job.files == 0) {
      throw new UnsafeArchiveException("the archive holds no files");
    }
    job.makeLinks();
    return new UnpackSummary(format.name().toLowerCase().replace('_', '.'), job.files, job.directories,
        job.links.size(), job.bytes);
  }

  private static UnsafeArchiveException corrupt(String what) {
    return new UnsafeArchiveException("the archive is truncated or corrupt: " + what);
  }

  private void unpackZip(Path archive, Job job) throws IOException, UnsafeArchiveException {
    ZipFile opened;
    try {
      opened = ZipFile.builder().setPath(archive).get();
    } catch (IOException e) {
      throw corrupt("its zip directory cannot be read");
    }
    try (ZipFile zip = opened) {
      Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
      while (entries.hasMoreElements()) {
        ZipArchiveEntry entry = entries.nextElement();
        job.countEntry();
        if (entry.isUnixSymlink()) {
          job.link(entry.getName(), linkTarget(zip, entry), false);
        } else if (entry.isDirectory()) {
          job.directory(entry.getName());
        } else {
          try (InputStream in = open(zip, entry)) {
            job.file(entry.getName(), in, (entry.getUnixMode() & 0100) != 0);
          }
        }
      }
    }
  }

  private static InputStream open(ZipFile zip, ZipArchiveEntry entry) throws UnsafeArchiveException {
    try {
      return zip.getInputStream(entry);
    } catch (IOException e) {
      throw unreadable(entry.getName(), e);
    }
  }

  private static UnsafeArchiveException unreadable(String name, IOException e) {
    if (e instanceof UnsupportedZipFeatureException unsupported) {
      return new UnsafeArchiveException("entry " + shown(name) + " uses a zip feature Reprise does not read ("
          + unsupported.getFeature() + ")");
    }
    return corrupt("entry " + shown(name) + " cannot be read");
  }

  /**
   * A zip link's target is the entry's content. commons-compress's {@code getUnixSymlink} reads it whole, however
   * big; here one byte past the longest path is read, enough to refuse anything longer.
   */
  private static String linkTarget(ZipFile zip, ZipArchiveEntry entry) throws UnsafeArchiveException {
    try (InputStream in = open(zip, entry)) {
      return new String(in.readNBytes(MAX_PATH_BYTES + 1), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw unreadable(entry.getName(), e);
    }
  }

  private void unpackTarGz(Path archive, Job job) throws IOException, UnsafeArchiveException {
    try (InputStream file = Files.newInputStream(archive)) {
      BufferedInputStream gunzipped;
      try {
        gunzipped = new BufferedInputStream(new GzipCompressorInputStream(new BufferedInputStream(file)));
      } catch (IOException e) {
        throw corrupt("the gzip stream cannot be read");
      }
      requireTar(gunzipped);
      HeaderBudget budget = new HeaderBudget(gunzipped);
      TarArchiveInputStream tar = new TarArchiveInputStream(budget);
      TarArchiveEntry entry;
      while ((entry = nextEntry(tar, budget)) != null) {
        if (entry.isGlobalPaxHeader()) {
          // Defaults for the entries that follow; commons-compress has already applied them.
          continue;
        }
        job.countEntry();
        if (entry.isSymbolicLink()) {
          job.link(entry.getName(), entry.getLinkName(), false);
        } else if (entry.isLink()) {
          job.link(entry.getName(), entry.getLinkName(), true);
        } else if (entry.isDirectory()) {
          job.directory(entry.getName());
        } else if (isRegularFile(entry)) {
          job.file(entry.getName(), tar, (entry.getMode() & 0100) != 0);
        } else {
          throw new UnsafeArchiveException("entry " + shown(entry.getName()) + " is " + kind(entry)
              + "; only files, folders and links are unpacked");
        }
      }
    }
  }

  /**
   * The first record of the gzip's content must be a tar header (its checksum holds) or the zeros that end a tar;
   * anything else is some other file that was gzipped, and tar would only report a header it cannot parse.
   */
  private static void requireTar(BufferedInputStream gunzipped) throws UnsafeArchiveException {
    byte[] first;
    try {
      gunzipped.mark(TAR_RECORD);
      first = gunzipped.readNBytes(TAR_RECORD);
      gunzipped.reset();
    } catch (IOException e) {
      throw corrupt("the gzip stream cannot be read");
    }
    boolean empty = first.length == 0 || first.length == TAR_RECORD && allZero(first);
    if (!empty && (first.length < TAR_RECORD || !checksumHolds(first))) {
      throw new UnsafeArchiveException("not a tar archive inside the gzip");
    }
  }

  private static boolean checksumHolds(byte[] header) {
    try {
      return TarUtils.verifyCheckSum(header);
    } catch (IllegalArgumentException notOctal) {
      return false;
    }
  }

  private static boolean allZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, HeaderBudget budget)
      throws UnsafeArchiveException {
    budget.limit(MAX_TAR_HEADER_BYTES);
    try {
      return tar.getNextEntry();
    } catch (IOException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof HeaderTooLong) {
          throw new UnsafeArchiveException("an entry's header (its name, link target or extended header) is longer"
              + " than " + MAX_TAR_HEADER_BYTES + " bytes");
        }
      }
      throw corrupt("an entry's header cannot be read");
    } finally {
      budget.unlimited();
    }
  }

  /**
   * Plain files only. Contiguous and old GNU sparse files are plain files too (commons-compress fills a sparse
   * file's holes as it reads); devices, fifos and unknown types are not, though {@code isFile()} says they are.
   */
  private static boolean isRegularFile(TarArchiveEntry entry) {
    byte flag = entry.getLinkFlag();
    return flag == TarArchiveEntry.LF_NORMAL || flag == TarArchiveEntry.LF_OLDNORM
        || flag == TarArchiveEntry.LF_CONTIG || flag == TarArchiveEntry.LF_GNUTYPE_SPARSE;
  }

  private static String kind(TarArchiveEntry entry) {
    if (entry.isCharacterDevice()) {
      return "a character device";
    }
    if (entry.isBlockDevice()) {
      return "a block device";
    }
    if (entry.isFIFO()) {
      return "a fifo";
    }
    byte flag = entry.getLinkFlag();
    return "of an unsupported entry type " + (flag >= 0x21 && flag <= 0x7e ? "'" + (char) flag + "'" : "" + flag);
  }

  /** Reads the archive, where an error means the archive is bad, not the disk. */
  private static int readArchive(String name, InputStream in, byte[] buffer) throws UnsafeArchiveException {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      throw unreadable(name, e);
    }
  }

  /** An entry name as messages show it: long names are cut, so a message stays readable. */
  private static String shown(String name) {
    return name == null ? "(no name)" : PortablePath.shown(name);
  }

  /** Thrown when a tar header takes more bytes than {@link #MAX_TAR_HEADER_BYTES}. */
  private static final class HeaderTooLong extends IOException {
    HeaderTooLong() {
      super("tar header too long");
    }
  }

  /** Counts the bytes tar reads while it reads a header, and stops it past the limit. */
  private static final class HeaderBudget extends FilterInputStream {
    private long left = Long.MAX_VALUE;

    HeaderBudget(InputStream in) {
      super(in);
    }

    void limit(long bytes) {
      left = bytes;
    }

    void unlimited() {
      left = Long.MAX_VALUE;
    }

    private void spend(long bytes) throws HeaderTooLong {
      if (bytes > 0 && (left -= bytes) < 0) {
        throw new HeaderTooLong();
      }
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      spend(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int read = super.read(buffer, offset, (int) Math.min(length, Math.max(1, Math.min(left, Integer.MAX_VALUE))));
      spend(read);
      return read;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(Math.min(n, Math.max(1, left)));
      spend(skipped);
      return skipped;
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
      // A backslash is refused rather than read as a separator: the zip format names '/' only, and a name that
      // means one thing here and another in the tool that made it is no name to trust.
      if (name.indexOf('\\') >= 0) {
        throw new UnsafeArchiveException("entry " + shown(name) + " has a backslash in a name");
      }
      String normalizedName = name;
      if (normalizedName.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
        throw new UnsafeArchiveException("entry " + shown(name) + " has a name longer than " + MAX_PATH_BYTES
            + " bytes");
      }
      for (String component : normalizedName.split("/")) {
        if (component.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
          throw new UnsafeArchiveException("entry " + shown(name) + " has a file name longer than "
              + MAX_NAME_BYTES + " bytes");
        }
      }
      if (normalizedName.startsWith("/") || normalizedName.matches("^[A-Za-z]:.*")) {
        throw new UnsafeArchiveException("entry " + shown(name) + " has an absolute path");
      }
      try {
        Path place = root.resolve(normalizedName).normalize();
        if (!place.startsWith(root) || place.equals(root) && !normalizedName.matches("^(\\./?)*$")) {
          throw new UnsafeArchiveException("entry " + shown(name) + " would land outside the compendium folder");
        }
        if (List.of(normalizedName.split("/")).contains("..")) {
          throw new UnsafeArchiveException("entry " + shown(name) + " has a '..' component");
        }
        // The same rule for names as a job's outputs follow, so that whatever unpacks can be stored and served.
        Optional<String> problem = place.equals(root) ? Optional.empty()
            : PortablePath.problem(root.relativize(place).toString());
        if (problem.isPresent()) {
          throw new UnsafeArchiveException("entry " + shown(name) + " has " + problem.get());
        }
        return place;
      } catch (InvalidPathException e) {
        throw new UnsafeArchiveException("entry " + shown(name) + " has an invalid name");
      }
    }

    void directory(String name) throws IOException, UnsafeArchiveException {
      Path dir = place(name);
      if (dir.equals(root)) {
        // "./", the folder itself, as `tar -C folder .` writes it first: it exists already.
        return;
      }
      createParents(dir);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(dir);
        directories++;
      }
    }

    void file(String name, InputStream in, boolean executable) throws IOException, UnsafeArchiveException {
      Path file = place(name);
      if (file.equals(root)) {
        throw new UnsafeArchiveException("entry " + shown(name) + " names the compendium folder itself");
      }
      createParents(file);
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new UnsafeArchiveException("entry " + shown(name) + " appears twice");
      }
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = readArchive(name, in, buffer)) >= 0) {
          bytes += read;
          checkSize();
          out.write(buffer, 0, read);
        }
      } catch (FileAlreadyExistsException e) {
        throw new UnsafeArchiveException("entry " + shown(name) + " appears twice");
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
          throw new UnsafeArchiveException("entry " + shown(root.relativize(place).toString())
              + " passes through a link");
        }
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(p);
          directories++;
        } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new UnsafeArchiveException("entry " + shown(root.relativize(place).toString()) + " is inside a file");
        }
      }
    }

    void link(String name, String target, boolean hard) throws UnsafeArchiveException {
      Path place = place(name);
      if (target == null || target.isBlank()) {
        throw new UnsafeArchiveException("link " + shown(name) + " has no target");
      }
      if (target.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
        throw new UnsafeArchiveException("link " + shown(name) + " has a target longer than " + MAX_PATH_BYTES
            + " bytes");
      }
      Path resolved;
      if (hard) {
        // A hard link's target is another entry's name, relative to the archive's root.
        resolved = place(target);
      } else {
        if (target.startsWith("/")) {
          throw new UnsafeArchiveException("link " + shown(name) + " points to an absolute path (" + shown(target)
              + ")");
        }
        try {
          resolved = place.getParent().resolve(target).normalize();
        } catch (InvalidPathException e) {
          throw new UnsafeArchiveException("link " + shown(name) + " has an invalid target");
        }
        if (!resolved.startsWith(root)) {
          throw new UnsafeArchiveException("link " + shown(name) + " points outside the compendium folder ("
              + shown(target) + ")");
        }
      }
      links.add(new PendingLink(name, place, target, resolved, hard));
    }

    /**
     * Makes the links last. Symbolic links come first, and where each one really leads is checked once all of them
     * exist, since a chain may lead out only then. Hard links are copied after that, from regular files reached
     * without following any link, so no copy reads through a link, checked or not.
     */
    void makeLinks() throws IOException, UnsafeArchiveException {
      for (PendingLink link : links) {
        if (!link.hard) {
          makeRoomFor(link);
          Files.createSymbolicLink(link.place, Path.of(link.target));
        }
      }
      checkSymbolicLinks(false);
      for (PendingLink link : links) {
        if (link.hard) {
          makeRoomFor(link);
          requireFileWithoutLinks(link);
          // A copy rather than a hard link keeps the job's files independent of each other.
          Files.copy(link.resolved, link.place, LinkOption.NOFOLLOW_LINKS);
          bytes += Files.size(link.place);
          checkSize();
        }
      }
      // The copies are new regular files that a dangling link may now reach; check again, and refuse a link that
      // still leads nowhere: its target could appear later (a program makes it) where no check looks.
      checkSymbolicLinks(true);
    }

    private void makeRoomFor(PendingLink link) throws IOException, UnsafeArchiveException {
      createParents(link.place);
      if (Files.exists(link.place, LinkOption.NOFOLLOW_LINKS)) {
        throw new UnsafeArchiveException("entry " + shown(link.name) + " appears twice");
      }
    }

    private void checkSymbolicLinks(boolean last) throws IOException, UnsafeArchiveException {
      for (PendingLink link : links) {
        if (!link.hard && last && !Files.exists(link.place)) {
          throw new UnsafeArchiveException("link " + shown(link.name) + " leads to nothing in the archive");
        }
        if (!link.hard && Files.exists(link.place)) {
          Path real = link.place.toRealPath();
          if (!real.startsWith(root)) {
            throw new UnsafeArchiveException("link " + shown(link.name) + " leads outside the compendium folder");
          }
        }
      }
    }

    /** Every component of the hard link's target is looked at without following it: folders, then a file. */
    private void requireFileWithoutLinks(PendingLink link) throws IOException, UnsafeArchiveException {
      Path p = root;
      for (Path component : root.relativize(link.resolved)) {
        p = p.resolve(component);
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          break;
        }
        if (attributes.isSymbolicLink()) {
          throw new UnsafeArchiveException("hard link " + shown(link.name) + " points through the link "
              + shown(root.relativize(p).toString()) + "; a hard link must name a file of the archive itself");
        }
      }
      if (!Files.isRegularFile(link.resolved, LinkOption.NOFOLLOW_LINKS)) {
        throw new UnsafeArchiveException("hard link " + shown(link.name) + " does not point to a file in the archive");
      }
    }
  }

  private record PendingLink(String name, Path place, String target, Path resolved, boolean hard) {}
}
