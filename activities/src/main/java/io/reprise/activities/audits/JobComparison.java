package io.reprise.activities.audits;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import io.reprise.activities.compendia.CompendiumManifest;
import io.reprise.activities.compendia.InvalidCompendiumException;
import io.reprise.activities.compendia.ManifestLimits;
import io.reprise.activities.files.Glob;
import io.reprise.activities.jobs.FileManifest;
import io.reprise.activities.jobs.JobFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares the outputs of two jobs, file by file, from the manifests their cleanup stored: each output is
 * {@code identical}, {@code different}, {@code only_in_a} or {@code only_in_b}. Small text files that differ come
 * with a unified diff; other files with their sizes and hashes. Outputs that job a's author lists under
 * {@code ignore} do not count against {@code reproduced}. The compare endpoint and audits share it.
 *
 * <p>The ignore list is the one validate read before the program ran, from job a's provenance.json, which cleanup
 * stores under the job's own prefix where the program cannot write. The reprise.yml stored with the working
 * directory is what the program left: it could have rewritten it ({@code ignore: ["**"]}) to forge the verdict.
 */
public class JobComparison {

  /** Text files up to this size get a unified diff. */
  public static final long DIFF_MAX_BYTES = 64 * 1024;
  /** ... and up to this many lines: Myers' diff costs lines a times lines b at worst. */
  public static final int DIFF_MAX_LINES = 4000;
  /** One comparison diffs at most this many files ... */
  public static final int DIFF_MAX_FILES = 50;
  /** ... reading at most this many bytes for them, so a job of thousands of differing files costs a bounded read. */
  public static final long DIFF_MAX_TOTAL_BYTES = 4L * 1024 * 1024;

  /** The verdicts of a whole comparison; only {@link #REPRODUCED} counts as reproduced. */
  public static final String REPRODUCED = "reproduced";
  public static final String NOT_REPRODUCED = "not_reproduced";
  /** Neither job kept any output: nothing was compared, so nothing reproduced either. */
  public static final String NO_OUTPUTS = "no_outputs";

  private static final String PROVENANCE = "provenance.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  // Only the ignore list of reprise.yml matters here; the limits are never used for a comparison.
  private static final ManifestLimits ANY = new ManifestLimits(Duration.ofDays(1), Duration.ofDays(1), 1L << 40,
      1L << 40, 1024, 1024);

  private final JobFiles files;

  public JobComparison(JobFiles files) {
    this.files = files;
  }

  /** A job has no stored manifest: it is unknown, or it has not been cleaned up yet. */
  public static class NotStoredException extends RuntimeException {
    public NotStoredException(String jobId) {
      super("job " + jobId + " has no stored outputs (unknown, or not cleaned up yet)");
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FileVerdict(String path, String verdict, Boolean ignored,
      @JsonProperty("size_a") Long sizeA, @JsonProperty("size_b") Long sizeB,
      @JsonProperty("sha256_a") String sha256A, @JsonProperty("sha256_b") String sha256B, String diff,
      @JsonProperty("diff_omitted") String diffOmitted) {

    /** Whether this file counts against reproduction. */
    public boolean mismatch() {
      return ignored == null && !verdict.equals("identical");
    }
  }

  /**
   * @param verdict {@code reproduced}, {@code not_reproduced}, or {@code no_outputs} when neither job has outputs
   * @param reproduced true for the verdict {@code reproduced} only
   */
  public record Comparison(@JsonProperty("job_a") String jobA, @JsonProperty("job_b") String jobB,
      String verdict, boolean reproduced, List<String> ignore, Map<String, Integer> counts, List<FileVerdict> files) {}

  /** The whole comparison, with diffs of small text files. */
  public Comparison compare(String a, String b) {
    return compare(a, b, true);
  }

  /**
   * @param withDiffs whether differing small text files get a unified diff; an audit asks only for verdicts and
   *     leaves the diffs to the compare endpoint
   */
  public Comparison compare(String a, String b, boolean withDiffs) {
    FileManifest manifestA = manifest(a);
    Map<String, FileManifest.Entry> outputsA = manifestA.outputs();
    Map<String, FileManifest.Entry> outputsB = manifest(b).outputs();
    List<String> ignore = ignoreList(a, manifestA);
    List<Glob> ignored = Glob.compileValid(ignore);
    List<FileVerdict> verdicts = new ArrayList<>();
    Map<String, Integer> counts = new TreeMap<>();
    TreeSet<String> paths = new TreeSet<>(outputsA.keySet());
    paths.addAll(outputsB.keySet());
    DiffBudget budget = new DiffBudget();
    for (String path : paths) {
      FileManifest.Entry fa = outputsA.get(path);
      FileManifest.Entry fb = outputsB.get(path);
      String verdict = fa == null ? "only_in_b" : fb == null ? "only_in_a"
          : fa.sha256().equals(fb.sha256()) ? "identical" : "different";
      boolean skip = ignored.stream().anyMatch(glob -> glob.matches(path));
      counts.merge(verdict, 1, Integer::sum);
      String diff = null;
      String omitted = null;
      if (withDiffs && verdict.equals("different")) {
        Diffed diffed = diff(a, fa, b, fb, budget);
        diff = diffed.diff();
        omitted = diffed.omitted();
      }
      verdicts.add(new FileVerdict(path, verdict, skip ? Boolean.TRUE : null, fa == null ? null : fa.size(),
          fb == null ? null : fb.size(), fa == null ? null : fa.sha256(), fb == null ? null : fb.sha256(), diff,
          omitted));
    }
    String verdict = outputsA.isEmpty() && outputsB.isEmpty() ? NO_OUTPUTS
        : verdicts.stream().noneMatch(FileVerdict::mismatch) ? REPRODUCED : NOT_REPRODUCED;
    return new Comparison(a, b, verdict, verdict.equals(REPRODUCED), ignore, counts, verdicts);
  }

  private FileManifest manifest(String jobId) {
    return files.manifest(jobId).orElseThrow(() -> new NotStoredException(jobId));
  }

  /**
   * The ignore list of the compendium job a ran, as validate recorded it in the job's provenance. Jobs stored
   * before provenance recorded it fall back to the stored reprise.yml, but only when the manifest says the program
   * left it unchanged (an input, not an output); otherwise they have no ignore list.
   */
  private List<String> ignoreList(String jobId, FileManifest manifest) {
    Optional<List<String>> recorded = recordedIgnoreList(jobId);
    if (recorded.isPresent()) {
      return recorded.get();
    }
    FileManifest.Entry entry = manifest.file(CompendiumManifest.FILE_NAME).filter(file -> !file.output())
        .orElse(null);
    if (entry == null) {
      return List.of();
    }
    try (InputStream in = files.open(jobId, entry).orElse(null)) {
      return in == null ? List.of() : CompendiumManifest.read(in, ANY).run().ignore();
    } catch (InvalidCompendiumException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ignore list of the job's provenance.json; empty when it has none or records none (older jobs). */
  private Optional<List<String>> recordedIgnoreList(String jobId) {
    try (InputStream in = files.open(jobId, PROVENANCE).orElse(null)) {
      JsonNode ignore = in == null ? null : JSON.readTree(in).get("ignore");
      if (ignore == null || !ignore.isArray()) {
        return Optional.empty();
      }
      List<String> globs = new ArrayList<>();
      ignore.forEach(glob -> globs.add(glob.asText()));
      return Optional.of(List.copyOf(globs));
    } catch (IOException e) {
      throw new UncheckedIOException("the provenance of job " + jobId + " is unreadable", e);
    }
  }

  /** What one comparison may still spend on diffs. */
  private static final class DiffBudget {
    int files = DIFF_MAX_FILES;
    long bytes = DIFF_MAX_TOTAL_BYTES;
  }

  /** A unified diff, or why there is none. */
  private record Diffed(String diff, String omitted) {}

  /**
   * A unified diff of two small UTF-8 text files. Every other pair says why it has none: too large, too many
   * lines, binary, or the comparison's diff budget is spent (then the sizes and hashes still tell them apart).
   */
  private Diffed diff(String a, FileManifest.Entry fileA, String b, FileManifest.Entry fileB, DiffBudget budget) {
    if (fileA.size() > DIFF_MAX_BYTES || fileB.size() > DIFF_MAX_BYTES) {
      return new Diffed(null, "larger than " + DIFF_MAX_BYTES / 1024 + " KiB");
    }
    long cost = fileA.size() + fileB.size();
    if (budget.files == 0 || cost > budget.bytes) {
      return new Diffed(null, "this comparison has diffed " + DIFF_MAX_FILES + " files or read "
          + DIFF_MAX_TOTAL_BYTES / (1024 * 1024) + " MiB for diffs already");
    }
    budget.files--;
    budget.bytes -= cost;
    List<String> left = textLines(a, fileA);
    List<String> right = textLines(b, fileB);
    if (left == null || right == null) {
      return new Diffed(null, "binary");
    }
    if (left.size() > DIFF_MAX_LINES || right.size() > DIFF_MAX_LINES) {
      return new Diffed(null, "more than " + DIFF_MAX_LINES + " lines");
    }
    List<String> diff = UnifiedDiffUtils.generateUnifiedDiff("a/" + fileA.path(), "b/" + fileB.path(), left,
        DiffUtils.diff(left, right), 3);
    return new Diffed(String.join("\n", diff) + "\n", null);
  }

  private List<String> textLines(String jobId, FileManifest.Entry file) {
    try (InputStream in = files.open(jobId, file).orElse(null)) {
      if (in == null) {
        return null;
      }
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(in.readNBytes((int) DIFF_MAX_BYTES + 1))).toString();
      return text.contains("\0") ? null : List.of(text.split("\n", -1));
    } catch (CharacterCodingException binary) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
