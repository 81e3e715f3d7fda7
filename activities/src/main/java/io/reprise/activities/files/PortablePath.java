package io.reprise.activities.files;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The one rule for the names of a job's files, shared by unpacking, scanning a working directory and storing it:
 * a relative path of components separated by {@code /}, each a name that means the same thing on every system
 * that will ever read it (the worker's disk, MinIO keys, a zip a user downloads, a browser). A name that breaks the
 * rule is never interpreted: it is refused with the reason, not repaired. In particular a backslash is a character
 * of a Linux file name but a separator on Windows and in some archive tools, so a name holding one is refused
 * rather than read as a path.
 */
public final class PortablePath {

  /** Longest path, in characters; a longer one broke JSON views and is of no use to a person. */
  public static final int MAX_LENGTH = 1024;
  /** Most folders a path may pass through. */
  public static final int MAX_DEPTH = 64;
  /** Longest single name, in UTF-8 bytes: the limit of ext4, XFS and most others. */
  public static final int MAX_NAME_BYTES = 255;

  private PortablePath() {}

  /** Why the path is not portable, or empty when it is. */
  public static Optional<String> problem(String path) {
    if (path == null || path.isEmpty()) {
      return Optional.of("an empty name");
    }
    if (path.length() > MAX_LENGTH) {
      return Optional.of("a path longer than " + MAX_LENGTH + " characters");
    }
    if (path.startsWith("/")) {
      return Optional.of("an absolute path");
    }
    List<String> names = List.of(path.split("/", -1));
    if (names.size() > MAX_DEPTH) {
      return Optional.of("more than " + MAX_DEPTH + " nested folders");
    }
    for (String name : names) {
      Optional<String> problem = nameProblem(name);
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  /** Why one name (no separators) is not portable, or empty when it is. */
  public static Optional<String> nameProblem(String name) {
    if (name.isEmpty()) {
      return Optional.of("an empty folder name (//)");
    }
    if (name.equals(".") || name.equals("..")) {
      return Optional.of("a '" + name + "' component");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      return Optional.of("a name longer than " + MAX_NAME_BYTES + " bytes");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\\') {
        return Optional.of("a backslash in a name");
      }
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        return Optional.of("a control character in a name");
      }
      if (c == '\uFFFD') {
        // The JVM decodes a name that is not UTF-8 to U+FFFD, so such a name cannot be opened again by its text.
        return Optional.of("a name that is not UTF-8");
      }
      if (Character.isSurrogate(c) && !validSurrogate(name, i)) {
        return Optional.of("a name that is not UTF-8");
      }
    }
    return Optional.empty();
  }

  private static boolean validSurrogate(String name, int i) {
    char c = name.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(name.charAt(i - 1));
  }

  /**
   * The name as a person may safely read it in a step text or an error: control characters and backslashes
   * escaped, at most 120 characters.
   */
  public static String shown(String name) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < name.length() && out.length() < 120; i++) {
      char c = name.charAt(i);
      if (c == '\\') {
        out.append("\\\\");
      } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return i < name.length() ? out + "…" : out.toString();
  }
}
