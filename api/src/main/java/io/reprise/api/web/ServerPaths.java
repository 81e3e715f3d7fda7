package io.reprise.api.web;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides the server's file-system paths in text the API shows: exception messages and step texts, which carry the
 * worker's own failure messages (its job folders, its state folder). A path is replaced with {@code <path>} when
 * its first folder is one of the host's top-level folders below, or when it passes through a {@code .state} or
 * {@code reprise-jobs} folder (where docker/service and the worker keep job folders).
 *
 * <p>Paths that start elsewhere are kept, because they are the compendium's own and a user needs them: the
 * container's {@code /work} (its working directory, which the README describes) and the API's own URLs
 * ({@code /api/v1/...}). A path inside a URL ({@code http://host/var/x}) is kept too, since it follows a word
 * character. Step texts also carry the tail of a program's output; its paths under {@code /usr} or {@code /tmp}
 * are hidden as well, and the whole log, the job's own bytes, keeps them.
 */
public final class ServerPaths {

  public static final String HIDDEN = "<path>";

  private static final Set<String> HOST_ROOTS = Set.of("tmp", "var", "home", "root", "usr", "opt", "proc", "etc",
      "srv", "mnt", "run", "sys", "dev", "private", "Users", "nix", "snap", "media", "lib", "boot");
  // An absolute path: a slash not preceded by a word character, a dot, a tilde or a dash (which would make it part
  // of a URL or a relative path), then characters up to a space, a quote, a bracket or a separator of a sentence.
  private static final Pattern ABSOLUTE = Pattern.compile("(?<![\\w.~-])/[^\\s'\"`<>()\\[\\]{},;:|]+");

  private ServerPaths() {}

  /** The text with every server path replaced by {@code <path>}; null stays null. */
  public static String hide(String text) {
    if (text == null || text.indexOf('/') < 0) {
      return text;
    }
    Matcher m = ABSOLUTE.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(isServerPath(m.group()) ? HIDDEN : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static boolean isServerPath(String path) {
    String[] segments = path.substring(1).split("/");
    boolean deeper = segments.length > 1 && !segments[1].isEmpty();
    if (HOST_ROOTS.contains(segments[0]) && deeper) {
      return true;
    }
    for (String segment : segments) {
      if (segment.equals(".state") || segment.equals("reprise-jobs")) {
        return true;
      }
    }
    return false;
  }
}
