package io.reprise.activities.compendia;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Dockerfile far enough to refuse it before a build: every line is a known instruction, the first is
 * {@code FROM} (after {@code ARG}s), and every base image a {@code FROM} names is already on the engine, since
 * builds never pull. Stage names of multi-stage builds and {@code ARG} defaults in {@code FROM} are understood.
 */
public final class DockerfileCheck {

  private static final Set<String> INSTRUCTIONS = Set.of("FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE",
      "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL",
      "HEALTHCHECK", "SHELL");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?");

  private DockerfileCheck() {}

  /** The base image of the final stage, which the job's image is built on. */
  public record Result(String baseImage, List<String> baseImages) {}

  public static Result check(Path dockerfile, Predicate<String> imageExists,
      Supplier<List<String>> availableImages)
      throws IOException, InvalidCompendiumException {
    List<String[]> instructions = instructions(Files.readAllLines(dockerfile));
    Map<String, String> args = new HashMap<>();
    Map<String, String> stages = new HashMap<>();
    Set<String> external = new LinkedHashSet<>();
    String finalBase = null;
    boolean seenFrom = false;
    for (String[] instruction : instructions) {
      String keyword = instruction[1];
      String rest = instruction[2];
      if (!INSTRUCTIONS.contains(keyword)) {
        throw new InvalidCompendiumException("Dockerfile line " + instruction[0] + ": unknown instruction "
            + keyword);
      }
      if (!seenFrom && !keyword.equals("FROM") && !keyword.equals("ARG")) {
        throw new InvalidCompendiumException("Dockerfile line " + instruction[0] + ": the first instruction must be "
            + "FROM (or ARG), not " + keyword);
      }
      if (keyword.equals("ARG") && !seenFrom) {
        String[] parts = rest.split("=", 2);
        args.put(parts[0].trim(), parts.length > 1 ? parts[1].trim().replaceAll("^\"|\"$", "") : "");
      }
      if (keyword.equals("FROM")) {
        seenFrom = true;
        List<String> words = new ArrayList<>(List.of(rest.trim().split("\\s+")));
        words.removeIf(word -> word.startsWith("--"));
        if (words.isEmpty() || words.get(0).isEmpty()) {
          throw new InvalidCompendiumException("Dockerfile line " + instruction[0] + ": FROM names no image");
        }
        String image = substitute(words.get(0), args);
        String base = stages.getOrDefault(image.toLowerCase(Locale.ROOT), image);
        if (!stages.containsKey(image.toLowerCase(Locale.ROOT)) && !image.equalsIgnoreCase("scratch")) {
          external.add(image);
        }
        if (words.size() >= 3 && words.get(1).equalsIgnoreCase("AS")) {
          stages.put(words.get(2).toLowerCase(Locale.ROOT), base);
        }
        finalBase = base;
      }
    }
    if (!seenFrom) {
      throw new InvalidCompendiumException("the Dockerfile has no FROM instruction");
    }
    for (String image : external) {
      if (!imageExists.test(image)) {
        throw new InvalidCompendiumException("the Dockerfile's base image " + image + " is not on this server, and "
            + "builds never pull; available base images: "
            + (availableImages.get().isEmpty() ? "none" : String.join(", ", availableImages.get())));
      }
    }
    return new Result(finalBase, List.copyOf(external));
  }

  /** Instructions as {line number, KEYWORD, arguments}, with continuation lines joined and comments dropped. */
  private static List<String[]> instructions(List<String> lines) {
    List<String[]> instructions = new ArrayList<>();
    StringBuilder current = null;
    int startLine = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.trim();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current == null)) {
        continue;
      }
      if (current == null) {
        current = new StringBuilder();
        startLine = i + 1;
      }
      boolean continues = trimmed.endsWith("\\");
      current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
      if (!continues) {
        String text = current.toString().trim();
        int space = text.indexOf(' ');
        String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : text.substring(space + 1);
        instructions.add(new String[] {String.valueOf(startLine), keyword, rest});
        current = null;
      }
    }
    return instructions;
  }

  private static String substitute(String text, Map<String, String> args) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(args.getOrDefault(m.group(1), "")));
    }
    m.appendTail(out);
    return out.toString();
  }
}
