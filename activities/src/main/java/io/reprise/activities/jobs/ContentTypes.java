package io.reprise.activities.jobs;

import java.util.Locale;
import java.util.Map;

/** Content types for stored files, by extension: enough for a browser to show text, tables and pictures. */
public final class ContentTypes {

  private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("log", "text/plain; charset=utf-8"),
      Map.entry("md", "text/markdown; charset=utf-8"),
      Map.entry("csv", "text/csv; charset=utf-8"),
      Map.entry("tsv", "text/tab-separated-values; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("py", "text/x-python; charset=utf-8"),
      Map.entry("r", "text/plain; charset=utf-8"),
      Map.entry("yml", "text/yaml; charset=utf-8"),
      Map.entry("yaml", "text/yaml; charset=utf-8"),
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("pdf", "application/pdf"),
      Map.entry("zip", "application/zip"));

  private ContentTypes() {}

  public static String of(String name) {
    if (name.equals("Dockerfile")) {
      return "text/plain; charset=utf-8";
    }
    int dot = name.lastIndexOf('.');
    String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return BY_EXTENSION.getOrDefault(extension, "application/octet-stream");
  }
}
