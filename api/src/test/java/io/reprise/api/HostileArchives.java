package io.reprise.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Archives as an attacker writes them: any entry name, links anywhere, special files, cut short. Each method makes
 * one archive in memory; nothing here checks anything.
 */
final class HostileArchives {

  static final String FENCE = "FROM reprise/busybox\nCOPY run.sh /run.sh\nCMD [\"sh\", \"/run.sh\"]\n";

  private HostileArchives() {}

  /** Files in order, names as given (no normalisation of any kind). */
  static Map<String, String> files(String... namesAndContents) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      files.put(namesAndContents[i], namesAndContents[i + 1]);
    }
    return files;
  }

  /** A compendium that runs the script with busybox, with more files if given. */
  static Map<String, String> program(String script, String... more) {
    Map<String, String> files = files("Dockerfile", FENCE, "run.sh", script);
    files.putAll(files(more));
    return files;
  }

  static byte[] zip(Map<String, String> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        ZipArchiveEntry entry = new ZipArchiveEntry(file.getKey());
        zip.putArchiveEntry(entry);
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A zip with the files and one symbolic link entry whose target is the given text. */
  static byte[] zipWithLink(Map<String, String> files, String link, String target) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        zip.putArchiveEntry(new ZipArchiveEntry(file.getKey()));
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeArchiveEntry();
      }
      ZipArchiveEntry entry = new ZipArchiveEntry(link);
      entry.setUnixMode(0120777);
      zip.putArchiveEntry(entry);
      zip.write(target.getBytes(StandardCharsets.UTF_8));
      zip.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** One tar entry: a file with content, or a link or special file (content is then the link's target). */
  record Tar(String name, byte type, String content) {

    static Tar file(String name, String content) {
      return new Tar(name, (byte) '0', content);
    }

    static Tar symlink(String name, String target) {
      return new Tar(name, (byte) '2', target);
    }

    static Tar hardlink(String name, String target) {
      return new Tar(name, (byte) '1', target);
    }

    static Tar charDevice(String name) {
      return new Tar(name, (byte) '3', "");
    }

    static Tar fifo(String name) {
      return new Tar(name, (byte) '6', "");
    }
  }

  static byte[] tarGz(Tar... entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes);
         TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Tar item : entries) {
        TarArchiveEntry entry = new TarArchiveEntry(item.name(), item.type(), true);
        byte[] content = item.content().getBytes(StandardCharsets.UTF_8);
        if (item.type() == '0') {
          entry.setSize(content.length);
          entry.setMode(0644);
        } else if (item.type() == '1' || item.type() == '2') {
          entry.setLinkName(item.content());
        }
        tar.putArchiveEntry(entry);
        if (item.type() == '0') {
          tar.write(content);
        }
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A tar.gz of the files, as plain entries. */
  static byte[] tarGz(Map<String, String> files) {
    return tarGz(files.entrySet().stream().map(f -> Tar.file(f.getKey(), f.getValue())).toArray(Tar[]::new));
  }

  /** A tar.gz with this many empty files beside a valid compendium. */
  static byte[] manyEntries(int count) {
    Tar[] entries = new Tar[count + 2];
    entries[0] = Tar.file("Dockerfile", FENCE);
    entries[1] = Tar.file("run.sh", "true\n");
    for (int i = 0; i < count; i++) {
      entries[i + 2] = Tar.file("many/" + i, "");
    }
    return tarGz(entries);
  }

  /** A zip whose one file unpacks to many megabytes of zeros: a compression bomb by ratio. */
  static byte[] zipBomb(int megabytes) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      zip.putArchiveEntry(new ZipArchiveEntry("Dockerfile"));
      zip.write(FENCE.getBytes(StandardCharsets.UTF_8));
      zip.closeArchiveEntry();
      zip.putArchiveEntry(new ZipArchiveEntry("zeros"));
      byte[] megabyte = new byte[1 << 20];
      for (int i = 0; i < megabytes; i++) {
        zip.write(megabyte);
      }
      zip.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The first part of an archive: what a dropped connection or a careless client sends. */
  static byte[] truncated(byte[] archive) {
    return Arrays.copyOf(archive, archive.length / 2);
  }

  static byte[] gzip(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
