package io.reprise.api.audits;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import io.reprise.activities.compendia.CompendiumManifest;
import io.reprise.activities.compendia.InvalidCompendiumException;
import io.reprise.activities.compendia.ManifestLimits;
import io.reprise.activities.jobs.FileManifest;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.api.Ids;
import io.reprise.api.web.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.stereotype.Service;
import org.springframework.util.FileSystemUtils;

/**
 * Compares the outputs of two jobs, file by file, from the manifests their cleanup stored: each output is
 * {@code identical}, {@code different}, {@code only_in_a} or {@code only_in_b}. Small text files that differ come
 * with a unified diff; other files with their sizes and hashes. Outputs that job a's reprise.yml lists under
 * {@code ignore} do not count against {@code reproduced}.
 */
@Service
public class JobComparison {

  /** Text files up to this size get a unified diff. */
  static final long DIFF_MAX_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  // Only the ignore list of reprise.yml matters here; the limits are never used for a comparison.
  private static final ManifestLimits ANY = new ManifestLimits(Duration.ofDays(1), Duration.ofDays(1), 1L << 40,
      1L << 40, 1024, 1024);

  private final ArtifactStore store;

  public JobComparison(ArtifactStore store) {
    this.store = store;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FileVerdict(String path, String verdict, Boolean ignored,
      @JsonProperty("size_a") Long sizeA, @JsonProperty("size_b") Long sizeB,
      @JsonProperty("sha256_a") String sha256A, @JsonProperty("sha256_b") String sha256B, String diff) {}

  public record Comparison(@JsonProperty("job_a") String jobA, @JsonProperty("job_b") String jobB,
      boolean reproduced, List<String> ignore, Map<String, Integer> counts, List<FileVerdict> files) {}

  public Comparison compare(String a, String b) {
    Map<String, FileManifest.Entry> outputsA = outputs(a);
    Map<String, FileManifest.Entry> outputsB = outputs(b);
    List<String> ignore = ignoreList(a);
    List<PathMatcher> ignored = ignore.stream()
        .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob)).toList();
    List<FileVerdict> files = new ArrayList<>();
    Map<String, Integer> counts = new TreeMap<>();
    boolean reproduced = true;
    TreeSet<String> paths = new TreeSet<>(outputsA.keySet());
    paths.addAll(outputsB.keySet());
    for (String path : paths) {
      FileManifest.Entry fa = outputsA.get(path);
      FileManifest.Entry fb = outputsB.get(path);
      String verdict = fa == null ? "only_in_b" : fb == null ? "only_in_a"
          : fa.sha256().equals(fb.sha256()) ? "identical" : "different";
      boolean skip = ignored.stream().anyMatch(m -> m.matches(Path.of(path)));
      if (!skip && !verdict.equals("identical")) {
        reproduced = false;
      }
      counts.merge(verdict, 1, Integer::sum);
      String diff = verdict.equals("different") && fa.size() <= DIFF_MAX_BYTES && fb.size() <= DIFF_MAX_BYTES
          ? unifiedDiff(a, b, path) : null;
      files.add(new FileVerdict(path, verdict, skip ? Boolean.TRUE : null, fa == null ? null : fa.size(),
          fb == null ? null : fb.size(), fa == null ? null : fa.sha256(), fb == null ? null : fb.sha256(), diff));
    }
    return new Comparison(a, b, reproduced, ignore, counts, files);
  }

  private Map<String, FileManifest.Entry> outputs(String jobId) {
    if (!Ids.isValid(jobId)) {
      throw ApiException.notFound("no job with id " + jobId);
    }
    try (InputStream in = store.open(StoreKeys.jobFile(jobId, "manifest.json")).orElseThrow(() ->
        ApiException.notFound("job " + jobId + " has no stored outputs (unknown, or not cleaned up yet)"))) {
      FileManifest manifest = JSON.readValue(in, FileManifest.class);
      Map<String, FileManifest.Entry> outputs = new TreeMap<>();
      manifest.files().stream().filter(FileManifest.Entry::output).forEach(e -> outputs.put(e.path(), e));
      return outputs;
    } catch (IOException e) {
      throw new UncheckedIOException("the manifest of job " + jobId + " is unreadable", e);
    }
  }

  /** The ignore list of the compendium job a ran, read from the reprise.yml stored with its working directory. */
  private List<String> ignoreList(String jobId) {
    Path scratch = null;
    try (InputStream in = store.open(StoreKeys.jobFile(jobId, "work/" + CompendiumManifest.FILE_NAME)).orElse(null)) {
      if (in == null) {
        return List.of();
      }
      scratch = Files.createTempDirectory("reprise-compare-");
      Files.copy(in, scratch.resolve(CompendiumManifest.FILE_NAME));
      return CompendiumManifest.read(scratch, ANY).run().ignore();
    } catch (InvalidCompendiumException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (scratch != null) {
        FileSystemUtils.deleteRecursively(scratch.toFile());
      }
    }
  }

  /** A unified diff when both sides are UTF-8 text; null for binary files. */
  private String unifiedDiff(String a, String b, String path) {
    List<String> left = textLines(a, path);
    List<String> right = textLines(b, path);
    if (left == null || right == null) {
      return null;
    }
    List<String> diff = UnifiedDiffUtils.generateUnifiedDiff("a/" + path, "b/" + path, left,
        DiffUtils.diff(left, right), 3);
    return String.join("\n", diff) + "\n";
  }

  private List<String> textLines(String jobId, String path) {
    try (InputStream in = store.open(StoreKeys.jobFile(jobId, "work/" + path)).orElse(null)) {
      if (in == null) {
        return null;
      }
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(in.readAllBytes())).toString();
      return text.contains("\0") ? null : List.of(text.split("\n", -1));
    } catch (CharacterCodingException binary) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
