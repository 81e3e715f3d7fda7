package io.reprise.activities.compendia;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.docker.ImageRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * {@code FROM} (after {@code ARG}s), and every {@code FROM} names one of the engine's base images by its tag, since
 * builds never pull. Stage names of multi-stage builds and {@code ARG} defaults in {@code FROM} are understood.
 *
 * <p>It also closes the ways out of a build that "network none" does not: the engine itself fetches the URL of an
 * {@code ADD} (from the host's network), {@code COPY --from} reads any image on the engine (another job's files),
 * a job image as a base does the same, and {@code RUN} options ask for mounts or another network. Each is refused
 * with its line and the reason.
 */
public final class DockerfileCheck {

  private static final Set<String> INSTRUCTIONS = Set.of("FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE",
      "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL",
      "HEALTHCHECK", "SHELL");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?");
  // Whatever the engine would fetch instead of reading the build context: any scheme://, and the git forms that
  // the engine's git support recognises without a scheme.
  private static final Pattern REMOTE_ANYWHERE = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://|git@)");
  private static final Pattern REMOTE = Pattern.compile("(?i)^([a-z][a-z0-9+.-]*://|git@|github\\.com/).*");
  private static final Pattern STAGE_INDEX = Pattern.compile("\\d+");
  private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([A-Za-z]+)\\s*=\\s*(.*)$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private DockerfileCheck() {}

  /** The base image of the final stage, which the job's image is built on, and every base image it names. */
  public record Result(String baseImage, List<String> baseImages) {}

  /**
   * Checks the Dockerfile against the engine's base images, the tags a compendium may build on (job images are
   * none of them).
   */
  public static Result check(Path dockerfile, Supplier<List<String>> baseImages)
      throws IOException, InvalidCompendiumException {
    return check(Files.readAllLines(dockerfile), baseImages, null);
  }

  /**
   * As {@link #check(Path, Supplier)}, and a {@code FROM} may also pin an image of the configured registry by
   * digest, {@code <registry>/<name>@sha256:<64 hex>}, which the worker pulls from that registry before the build
   * (the build itself still never pulls). No other registry, no digest of another registry, and never the
   * repository of job images. A null registry allows no digests, as without a registry.
   */
  public static Result check(Path dockerfile, Supplier<List<String>> baseImages, ImageRegistry registry)
      throws IOException, InvalidCompendiumException {
    return check(Files.readAllLines(dockerfile), baseImages, registry);
  }

  /**
   * As {@link #check(Path, Supplier)}. The engine's list of base images is the authority: an image that merely
   * exists (an image id, a digest, another job's image) is no base, so {@code imageExists} is not consulted.
   */
  public static Result check(Path dockerfile, Predicate<String> imageExists, Supplier<List<String>> availableImages)
      throws IOException, InvalidCompendiumException {
    return check(dockerfile, availableImages);
  }

  /**
   * Every check but whether the base images are on an engine, for a caller that cannot know (the API when no worker
   * has published its engine's images lately). Other jobs' images, ids and digests are still refused.
   */
  public static Result checkWithoutEngine(Path dockerfile) throws IOException, InvalidCompendiumException {
    return check(Files.readAllLines(dockerfile), null, null);
  }

  /** As {@link #checkWithoutEngine(Path)}, allowing digests of the configured registry's images. */
  public static Result checkWithoutEngine(Path dockerfile, ImageRegistry registry)
      throws IOException, InvalidCompendiumException {
    return check(Files.readAllLines(dockerfile), null, registry);
  }

  /** The base images a Dockerfile pins by digest in the configured registry (those a worker may pull). */
  public static List<String> pinnedInRegistry(Result checked, ImageRegistry registry) {
    return registry == null ? List.of() : checked.baseImages().stream()
        .filter(image -> registry.holds(image) && ImageRegistry.isDigestReference(image)).toList();
  }

  /** The final stage's base image as the Dockerfile names it, without checking it against the engine. */
  public static String finalBase(Path dockerfile) throws IOException, InvalidCompendiumException {
    return new Reader(Files.readAllLines(dockerfile)).read().finalBase;
  }

  private static Result check(List<String> lines, Supplier<List<String>> baseImages, ImageRegistry registry)
      throws InvalidCompendiumException {
    Reader reader = new Reader(lines).read();
    List<String> available = null;
    for (Map.Entry<String, String> from : reader.external.entrySet()) {
      String image = from.getKey();
      String where = "Dockerfile line " + from.getValue() + ": ";
      if (available == null) {
        available = baseImages == null ? List.of() : baseImages.get();
      }
      String list = baseImages == null ? "name one of the workers' base images by its tag"
          : "available base images: " + (available.isEmpty() ? "none" : String.join(", ", available));
      if (isJobImage(image)) {
        throw new InvalidCompendiumException(where + "FROM " + image + " names the image of another job; a build "
            + "starts from a base image only; " + list);
      }
      if (registry != null && registry.holds(image) && ImageRegistry.isDigestReference(image)) {
        // Pinned by content in the registry the workers may pull from: validate pulls it.
        continue;
      }
      if (image.contains("@") || image.toLowerCase(Locale.ROOT).startsWith("sha256:")) {
        throw new InvalidCompendiumException(where + "FROM " + image + " names an image by id or digest; name a "
            + "base image by its tag" + (registry == null ? "" : ", or pin one of the registry " + registry.address()
            + " by digest (" + registry.address() + "/<name>@sha256:<64 hex digits>)") + "; " + list);
      }
      String wanted = reference(image);
      if (baseImages != null && available.stream().map(DockerfileCheck::reference).noneMatch(wanted::equals)) {
        throw new InvalidCompendiumException(where + "the base image " + image + " is not on this server, and "
            + "builds never pull (a base image is named by its tag, as listed); " + list);
      }
    }
    return new Result(reader.finalBase, List.copyOf(reader.external.keySet()));
  }

  private static boolean isJobImage(String image) {
    String lower = image.toLowerCase(Locale.ROOT);
    return lower.startsWith(DockerContainerEngine.JOB_IMAGE_PREFIX)
        || lower.contains("/" + DockerContainerEngine.JOB_IMAGE_PREFIX)
        || ImageRegistry.isJobRepository(lower);
  }

  /**
   * An image reference as Docker compares it: the default registry and library prefix dropped, and ":latest"
   * added when there is no tag, so that {@code FROM alpine} matches the engine's {@code alpine:latest}.
   */
  public static String reference(String image) {
    String name = image.trim();
    for (String prefix : List.of("docker.io/library/", "index.docker.io/library/", "docker.io/",
        "index.docker.io/", "library/")) {
      if (name.startsWith(prefix)) {
        name = name.substring(prefix.length());
        break;
      }
    }
    String last = name.substring(name.lastIndexOf('/') + 1);
    return name.contains("@") || last.contains(":") ? name : name + ":latest";
  }

  /** One pass over the instructions: stages, global ARGs, the base images named, and every refusal. */
  private static final class Reader {
    private final List<String> lines;
    private final Map<String, String> args = new HashMap<>();
    private final Map<String, String> stages = new HashMap<>();
    // Each base image outside the Dockerfile, with the line that first names it.
    private final Map<String, String> external = new LinkedHashMap<>();
    private int stageCount;
    // The name of the stage being read, null when it has none: a stage cannot copy from itself.
    private String currentStage;
    private String finalBase;

    Reader(List<String> lines) {
      this.lines = lines;
    }

    Reader read() throws InvalidCompendiumException {
      refuseControlCharacters();
      refuseEscapeDirective();
      boolean seenFrom = false;
      for (String[] instruction : instructions(lines)) {
        String line = instruction[0];
        String keyword = instruction[1];
        String rest = instruction[2];
        String where = "Dockerfile line " + line + ": ";
        if (!INSTRUCTIONS.contains(keyword)) {
          throw new InvalidCompendiumException(where + "unknown instruction " + keyword);
        }
        if (!seenFrom && !keyword.equals("FROM") && !keyword.equals("ARG")) {
          throw new InvalidCompendiumException(where + "the first instruction must be FROM (or ARG), not "
              + keyword);
        }
        if (keyword.equals("ARG") && !seenFrom) {
          String[] parts = rest.split("=", 2);
          args.put(parts[0].trim(), parts.length > 1 ? parts[1].trim().replaceAll("^\"|\"$", "") : "");
        }
        if (keyword.equals("FROM")) {
          seenFrom = true;
          from(where, line, rest);
        } else {
          checkStep(where, keyword, rest);
        }
      }
      if (!seenFrom) {
        throw new InvalidCompendiumException("the Dockerfile has no FROM instruction");
      }
      return this;
    }

    /**
     * The escape directive changes what a backslash means; with another escape character a URL could be spelled
     * so that no check here recognises it. Nobody needs it in a compendium.
     */
    /**
     * The engine's parser and this one must see the same instructions. They could differ on a control character
     * (a form feed after a line's closing backslash ends the line for the engine, but trim() removes it here), so
     * a Dockerfile has none but tabs and the carriage return of a Windows line end.
     */
    private void refuseControlCharacters() throws InvalidCompendiumException {
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        for (int at = 0; at < line.length(); at++) {
          char c = line.charAt(at);
          boolean lineEnd = c == '\r' && at == line.length() - 1;
          if ((c < 0x20 && c != '\t' && !lineEnd) || c == 0x7f) {
            throw new InvalidCompendiumException("Dockerfile line " + (i + 1) + ": a control character (0x"
                + Integer.toHexString(c) + "); only tabs and line ends are allowed");
          }
        }
      }
    }

    private void refuseEscapeDirective() throws InvalidCompendiumException {
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = DIRECTIVE.matcher(lines.get(i).trim());
        if (!m.matches()) {
          return;
        }
        if (m.group(1).equalsIgnoreCase("escape") && !m.group(2).trim().equals("\\")) {
          throw new InvalidCompendiumException("Dockerfile line " + (i + 1) + ": the escape parser directive is "
              + "not supported; use the default escape character \\");
        }
      }
    }

    private void from(String where, String line, String rest) throws InvalidCompendiumException {
      List<String> words = new ArrayList<>(List.of(rest.trim().split("\\s+")));
      words.removeIf(word -> word.startsWith("--"));
      if (words.isEmpty() || words.get(0).isEmpty()) {
        throw new InvalidCompendiumException(where + "FROM names no image");
      }
      String image = substitute(words.get(0), args);
      if (image.isEmpty()) {
        throw new InvalidCompendiumException(where + "FROM names no image once its variables are replaced");
      }
      String key = image.toLowerCase(Locale.ROOT);
      String base = stages.getOrDefault(key, image);
      if (!stages.containsKey(key) && !image.equalsIgnoreCase("scratch")) {
        external.putIfAbsent(image, line);
      }
      currentStage = null;
      if (words.size() >= 3 && words.get(1).equalsIgnoreCase("AS")) {
        currentStage = words.get(2).toLowerCase(Locale.ROOT);
        stages.put(currentStage, base);
      }
      stageCount++;
      finalBase = base;
    }

    /** The instructions of a stage that could reach outside the build context. */
    private void checkStep(String where, String keyword, String rest) throws InvalidCompendiumException {
      switch (keyword) {
        case "ONBUILD" -> {
          String trimmed = rest.trim();
          int space = trimmed.indexOf(' ');
          String inner = (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase(Locale.ROOT);
          checkStep(where, inner, space < 0 ? "" : trimmed.substring(space + 1));
        }
        case "RUN" -> {
          String trimmed = rest.trim();
          if (trimmed.startsWith("--")) {
            String option = trimmed.split("[\\s=]", 2)[0];
            throw new InvalidCompendiumException(where + "RUN " + option + " is not allowed: a build step gets no "
                + "mounts, no network and no other security mode than the default");
          }
        }
        case "ADD", "COPY" -> copy(where, keyword, rest);
        default -> { }
      }
    }

    private void copy(String where, String keyword, String rest) throws InvalidCompendiumException {
      List<String> words = words(where, keyword, rest);
      List<String> sources = new ArrayList<>();
      for (String word : words) {
        if (!word.startsWith("--")) {
          sources.add(word);
          continue;
        }
        String flag = word.split("=", 2)[0].toLowerCase(Locale.ROOT);
        switch (flag) {
          case "--chown", "--chmod" -> { }
          case "--from" -> copyFrom(where, keyword, word.substring(word.indexOf('=') + 1));
          default -> throw new InvalidCompendiumException(where + keyword + " " + flag + " is not allowed: "
              + (keyword.equals("ADD") ? "ADD only copies files of the compendium; nothing is fetched" : "only "
              + "--chown, --chmod and --from of an earlier stage are"));
        }
      }
      // Whatever the parse, an ADD that names a scheme or a git remote anywhere is refused: the engine fetches
      // those itself, outside the build's network.
      if (keyword.equals("ADD") && REMOTE_ANYWHERE.matcher(rest).find()) {
        throw new InvalidCompendiumException(where + "ADD " + rest.trim() + " is refused: the engine would fetch it "
            + "from the network, and builds have none; put the file in the compendium");
      }
      if (!keyword.equals("ADD") || sources.isEmpty()) {
        return;
      }
      for (String source : sources.subList(0, sources.size() - 1)) {
        if (REMOTE.matcher(source).matches()) {
          throw new InvalidCompendiumException(where + "ADD " + source + " is refused: the engine would fetch it "
              + "from the network, and builds have none; put the file in the compendium");
        }
        if (source.contains("$")) {
          throw new InvalidCompendiumException(where + "ADD " + source + " is refused: its source uses a variable, "
              + "which could name a URL; name the file of the compendium literally, or use COPY");
        }
        if (source.contains("\\")) {
          throw new InvalidCompendiumException(where + "ADD " + source + " is refused: a backslash in its source "
              + "could hide a URL; use COPY");
        }
      }
    }

    /** --from of COPY and ADD: only a stage before this one, by name or index, since any image is readable. */
    private void copyFrom(String where, String keyword, String value) throws InvalidCompendiumException {
      String stage = value.toLowerCase(Locale.ROOT);
      boolean earlierIndex = STAGE_INDEX.matcher(stage).matches() && stage.length() < 4
          && Integer.parseInt(stage) < stageCount - 1;
      boolean earlierName = stages.containsKey(stage) && !stage.equals(currentStage);
      if (!earlierIndex && !earlierName) {
        throw new InvalidCompendiumException(where + keyword + " --from=" + value + " is refused: --from may only "
            + "name an earlier stage of this Dockerfile (by its name or index), never an image");
      }
    }

    /** The flags, then the sources and destination, as the engine reads them: flags first, then JSON or words. */
    private List<String> words(String where, String keyword, String rest) throws InvalidCompendiumException {
      List<String> words = new ArrayList<>();
      String remaining = rest.trim();
      while (remaining.startsWith("--")) {
        int end = remaining.indexOf(' ');
        words.add(end < 0 ? remaining : remaining.substring(0, end));
        remaining = end < 0 ? "" : remaining.substring(end + 1).trim();
      }
      if (remaining.startsWith("[")) {
        try {
          words.addAll(JSON.readValue(remaining, new TypeReference<List<String>>() {}));
          return words;
        } catch (IOException e) {
          throw new InvalidCompendiumException(where + keyword + " has a malformed JSON list");
        }
      }
      if (!remaining.isEmpty()) {
        words.addAll(List.of(remaining.split("\\s+")));
      }
      return words;
    }
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
