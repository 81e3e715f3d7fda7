package io.reprise.activities.compendia;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.reprise.activities.files.Glob;
import io.reprise.activities.files.PortablePath;
import io.reprise.workflows.jobs.RunSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The optional {@code reprise.yml} at the top of a compendium. Every key is optional:
 * <pre>
 * command: ["python3", "analysis.py"]   # or one string, split on spaces; default: the image's CMD
 * timeout: 15m                          # 90s, 15m, 2h; capped by the server's maximum
 * memory: 1g                            # 512m, 1g; capped by the server's maximum
 * cpus: 2                               # capped by the server's maximum
 * disk: 5g                              # what the program may write to /work; capped by the server's maximum
 * outputs: ["results/**"]               # globs of the new or changed files to keep; default: all
 * ignore: ["results/run-*.log"]         # globs of outputs that comparisons of two runs ignore
 * </pre>
 * Unknown keys and bad values are refused with the key named; values above the server's maximums are capped, with
 * a warning.
 */
public final class CompendiumManifest {

  public static final String FILE_NAME = "reprise.yml";

  private static final Set<String> KEYS = Set.of("command", "timeout", "memory", "cpus", "disk", "outputs",
      "ignore");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h)?");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg])?i?b?");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private CompendiumManifest() {}

  /** The run settings with their warnings. */
  public record Result(RunSettings run, List<String> warnings, boolean present) {}

  /** Reads reprise.yml from the compendium's folder, or answers the defaults when there is none. */
  public static Result read(Path compendiumRoot, ManifestLimits limits) throws IOException,
      InvalidCompendiumException {
    Path file = compendiumRoot.resolve(FILE_NAME);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return new Result(defaults(limits), List.of(), false);
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, limits);
    }
  }

  /** Reads reprise.yml from a stream, such as the copy stored with a job's working directory. */
  public static Result read(InputStream in, ManifestLimits limits) throws IOException, InvalidCompendiumException {
    Object parsed;
    try {
      parsed = YAML.readValue(in, Object.class);
    } catch (JacksonException e) {
      throw new InvalidCompendiumException(FILE_NAME + " is not valid YAML (line "
          + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
    }
    if (parsed == null) {
      return new Result(defaults(limits), List.of(), true);
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new InvalidCompendiumException(FILE_NAME + " must be a mapping of keys to values");
    }
    for (Object key : map.keySet()) {
      if (!KEYS.contains(String.valueOf(key))) {
        throw new InvalidCompendiumException(FILE_NAME + ": unknown key '" + key + "' (known keys: "
            + String.join(", ", KEYS.stream().sorted().toList()) + ")");
      }
    }
    List<String> warnings = new ArrayList<>();
    List<String> command = command(map.get("command"));
    long timeout = capped("timeout", map.containsKey("timeout") ? duration(map.get("timeout")) : null,
        limits.defaultTimeout().toSeconds(), limits.maxTimeout().toSeconds(), " s", warnings);
    long memory = capped("memory", map.containsKey("memory") ? size("memory", map.get("memory")) : null,
        limits.defaultMemoryBytes(), limits.maxMemoryBytes(), " bytes", warnings);
    double cpus = cpus(map.get("cpus"), limits, warnings);
    long disk = disk(map, limits, warnings);
    List<String> outputs = globs("outputs", map.get("outputs"), List.of("**"));
    List<String> ignore = globs("ignore", map.get("ignore"), List.of());
    return new Result(new RunSettings(command, timeout, memory, cpus, outputs, ignore, disk), warnings, true);
  }

  public static RunSettings defaults(ManifestLimits limits) {
    return new RunSettings(List.of(), limits.defaultTimeout().toSeconds(), limits.defaultMemoryBytes(),
        limits.defaultCpus(), List.of("**"), List.of(), limits.defaultDiskBytes());
  }

  /** The disk limit asked for, capped; the server's default when none is asked, and 0 when the server has none. */
  private static long disk(Map<?, ?> map, ManifestLimits limits, List<String> warnings)
      throws InvalidCompendiumException {
    if (!map.containsKey("disk")) {
      return limits.defaultDiskBytes();
    }
    long asked = size("disk", map.get("disk"));
    if (limits.maxDiskBytes() <= 0) {
      warnings.add("disk: this server enforces no disk limit");
      return 0;
    }
    return capped("disk", asked, limits.defaultDiskBytes(), limits.maxDiskBytes(), " bytes", warnings);
  }

  private static List<String> command(Object value) throws InvalidCompendiumException {
    if (value == null) {
      return List.of();
    }
    if (value instanceof String text && !text.isBlank()) {
      return List.of(text.trim().split("\\s+"));
    }
    if (value instanceof List<?> list && !list.isEmpty()
        && list.stream().allMatch(item -> item instanceof String || item instanceof Number)) {
      return list.stream().map(String::valueOf).toList();
    }
    throw new InvalidCompendiumException(FILE_NAME + ": command must be a string or a list of strings");
  }

  private static long duration(Object value) throws InvalidCompendiumException {
    Matcher m = DURATION.matcher(String.valueOf(value).trim().toLowerCase(Locale.ROOT));
    if (!m.matches() || m.group(1).length() > 12 || Long.parseLong(m.group(1)) <= 0) {
      throw new InvalidCompendiumException(FILE_NAME + ": timeout must be a positive duration such as 90s, 15m "
          + "or 2h (got '" + value + "')");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "h" -> Duration.ofHours(amount).toSeconds();
      case "m" -> Duration.ofMinutes(amount).toSeconds();
      default -> amount;
    };
  }

  private static long size(String key, Object value) throws InvalidCompendiumException {
    Matcher m = SIZE.matcher(String.valueOf(value).trim().toLowerCase(Locale.ROOT));
    if (!m.matches() || m.group(1).length() > 12 || Long.parseLong(m.group(1)) <= 0) {
      throw new InvalidCompendiumException(FILE_NAME + ": " + key + " must be a positive size such as 512m or 2g "
          + "(got '" + value + "')");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2);
    int shift = switch (unit) {
      case "g" -> 30;
      case "m" -> 20;
      case "k" -> 10;
      default -> 0;
    };
    // Twelve digits of gigabytes overflow a long: such a value is simply above every maximum.
    return amount > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : amount << shift;
  }

  private static double cpus(Object value, ManifestLimits limits, List<String> warnings)
      throws InvalidCompendiumException {
    if (value == null) {
      return limits.defaultCpus();
    }
    if (!(value instanceof Number number) || number.doubleValue() <= 0) {
      throw new InvalidCompendiumException(FILE_NAME + ": cpus must be a positive number (got '" + value + "')");
    }
    if (number.doubleValue() > limits.maxCpus()) {
      warnings.add("cpus " + number + " capped to the server maximum " + limits.maxCpus());
      return limits.maxCpus();
    }
    return number.doubleValue();
  }

  private static long capped(String key, Long asked, long fallback, long max, String unit, List<String> warnings) {
    if (asked == null) {
      return fallback;
    }
    if (asked > max) {
      warnings.add(key + " " + asked + unit + " capped to the server maximum " + max + unit);
      return max;
    }
    return asked;
  }

  /** Most globs one key may hold. */
  private static final int MAX_GLOBS = 64;

  private static List<String> globs(String key, Object value, List<String> fallback)
      throws InvalidCompendiumException {
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof List<?> list && list.stream().allMatch(item -> item instanceof String s && !s.isBlank()))) {
      throw new InvalidCompendiumException(FILE_NAME + ": " + key + " must be a list of glob patterns");
    }
    if (list.size() > MAX_GLOBS) {
      throw new InvalidCompendiumException(FILE_NAME + ": " + key + " holds more than " + MAX_GLOBS + " patterns");
    }
    for (Object item : list) {
      String glob = (String) item;
      if (glob.startsWith("/") || glob.contains("..")) {
        throw new InvalidCompendiumException(FILE_NAME + ": " + key + " must hold paths inside the compendium");
      }
      try {
        Glob.compile(glob);
      } catch (IllegalArgumentException e) {
        throw new InvalidCompendiumException(FILE_NAME + ": " + key + " holds '" + PortablePath.shown(glob)
            + "', which is not a glob: " + e.getMessage());
      }
    }
    return list.stream().map(String::valueOf).toList();
  }

}
