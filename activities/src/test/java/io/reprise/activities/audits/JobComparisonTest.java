package io.reprise.activities.audits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.jobs.FileManifest;
import io.reprise.activities.jobs.JobFiles;
import io.reprise.activities.storage.MemoryArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.StoredObject;
import io.reprise.workflows.audits.AuditActivities;
import io.reprise.workflows.jobs.Provenance;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Comparisons read from a store in memory, laid out as cleanup stores jobs. */
class JobComparisonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MemoryArtifactStore store = new MemoryArtifactStore();
  private final JobComparison comparison = new JobComparison(new JobFiles(store));

  /** One working-directory file of a stored job. */
  private record StoredFile(String path, String content, boolean output) {}

  private static StoredFile input(String path, String content) {
    return new StoredFile(path, content, false);
  }

  private static StoredFile output(String path, String content) {
    return new StoredFile(path, content, true);
  }

  /** Stores a job as cleanup does: blobs, manifest.json, and provenance.json when ignore is given. */
  private void storeJob(String jobId, List<String> recordedIgnore, StoredFile... files) throws IOException {
    List<FileManifest.Entry> entries = new ArrayList<>();
    for (StoredFile file : files) {
      byte[] bytes = file.content().getBytes(StandardCharsets.UTF_8);
      String sha256 = sha256(bytes);
      store.objects().put(StoreKeys.blob(sha256), bytes);
      entries.add(new FileManifest.Entry(file.path(), bytes.length, sha256, file.output()));
    }
    store.objects().put(StoreKeys.jobManifest(jobId), JSON.writeValueAsBytes(new FileManifest(entries)));
    if (recordedIgnore != null) {
      Provenance provenance = new Provenance("sha256:content", "dockerfile", "sha256:image", "busybox",
          "sha256:base", List.of(), List.of(), new Provenance.Limits(600, 1 << 29, 1.0), "27.0", "1.3", "0.1.0",
          "host", List.of("**"), recordedIgnore);
      store.objects().put(StoreKeys.jobFile(jobId, "provenance.json"), JSON.writeValueAsBytes(provenance));
    }
  }

  /** A provenance.json as jobs stored before provenance recorded outputs and ignore. */
  private void storeLegacyProvenance(String jobId) {
    store.objects().put(StoreKeys.jobFile(jobId, "provenance.json"),
        "{\"compendium_content_hash\":\"sha256:content\",\"image_id\":\"sha256:image\"}"
            .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aProgramThatRewritesRepriseYmlCannotWidenTheIgnoreList() throws IOException {
    String rewritten = "ignore: [\"**\"]\n";
    storeJob("a", List.of("results/run-*.log"), output("reprise.yml", rewritten), output("results/sum.txt", "1"));
    storeJob("b", List.of("results/run-*.log"), output("reprise.yml", rewritten), output("results/sum.txt", "2"));

    JobComparison.Comparison result = comparison.compare("a", "b");

    assertEquals(List.of("results/run-*.log"), result.ignore());
    assertEquals("not_reproduced", result.verdict());
    assertFalse(result.reproduced());
  }

  @Test
  void diffsAreBoundedPerFileAndPerComparisonAndSayWhyTheyAreMissing() throws IOException {
    List<StoredFile> a = new ArrayList<>();
    List<StoredFile> b = new ArrayList<>();
    for (int i = 0; i < JobComparison.DIFF_MAX_FILES + 10; i++) {
      a.add(output("out/%03d.txt".formatted(i), "a\n"));
      b.add(output("out/%03d.txt".formatted(i), "b\n"));
    }
    // One line per character: Myers' diff of two such files costs lines times lines.
    a.add(output("lines.txt", "x\n".repeat(JobComparison.DIFF_MAX_LINES + 1)));
    b.add(output("lines.txt", "y\n".repeat(JobComparison.DIFF_MAX_LINES + 1)));
    storeJob("a", List.of(), a.toArray(StoredFile[]::new));
    storeJob("b", List.of(), b.toArray(StoredFile[]::new));

    JobComparison.Comparison result = comparison.compare("a", "b");

    assertEquals("not_reproduced", result.verdict());
    assertEquals(JobComparison.DIFF_MAX_FILES + 11, result.counts().get("different"));
    assertEquals("more than 4000 lines", result.files().get(0).diffOmitted());
    List<JobComparison.FileVerdict> out = result.files().subList(1, result.files().size());
    assertEquals(JobComparison.DIFF_MAX_FILES - 1, out.stream().filter(f -> f.diff() != null).count());
    assertTrue(out.stream().skip(JobComparison.DIFF_MAX_FILES - 1)
        .allMatch(f -> f.diff() == null && f.diffOmitted().contains("has diffed 50 files")));
    assertEquals("--- a/out/000.txt\n+++ b/out/000.txt\n@@ -1,2 +1,2 @@\n-a\n+b\n \n", out.get(0).diff());
  }

  @Test
  void theIgnoreListValidateRecordedIsHonoured() throws IOException {
    storeJob("a", List.of("results/run-*.log"), input("Dockerfile", "FROM x\n"),
        output("results/run-1.log", "started 10:00"), output("results/sum.txt", "42"));
    storeJob("b", List.of("results/run-*.log"), input("Dockerfile", "FROM x\n"),
        output("results/run-1.log", "started 11:00"), output("results/sum.txt", "42"));

    JobComparison.Comparison result = comparison.compare("a", "b");

    assertEquals("reproduced", result.verdict());
    assertTrue(result.reproduced());
    JobComparison.FileVerdict log = result.files().stream()
        .filter(file -> file.path().equals("results/run-1.log")).findFirst().orElseThrow();
    assertEquals("different", log.verdict());
    assertEquals(Boolean.TRUE, log.ignored());
  }

  @Test
  void jobsStoredBeforeProvenanceRecordedIgnoreUseRepriseYmlOnlyWhenTheProgramLeftItUnchanged() throws IOException {
    String manifest = "ignore: [\"results/run-*.log\"]\n";
    storeJob("kept", null, input("reprise.yml", manifest), output("results/run-1.log", "10:00"));
    storeLegacyProvenance("kept");
    storeJob("changed", null, output("reprise.yml", manifest), output("results/run-1.log", "10:00"));
    storeLegacyProvenance("changed");
    storeJob("b", null, input("reprise.yml", manifest), output("results/run-1.log", "11:00"));

    JobComparison.Comparison unchanged = comparison.compare("kept", "b");
    JobComparison.Comparison rewritten = comparison.compare("changed", "b");

    assertEquals(List.of("results/run-*.log"), unchanged.ignore());
    assertEquals("reproduced", unchanged.verdict());
    assertEquals(List.of(), rewritten.ignore(), "a reprise.yml the program wrote is not the author's");
    assertEquals("not_reproduced", rewritten.verdict());
  }

  @Test
  void twoJobsWithoutOutputsHaveAVerdictOfTheirOwn() throws IOException {
    storeJob("a", List.of(), input("Dockerfile", "FROM x\n"));
    storeJob("b", List.of(), input("Dockerfile", "FROM x\n"));

    JobComparison.Comparison result = comparison.compare("a", "b");

    assertEquals("no_outputs", result.verdict());
    assertFalse(result.reproduced());
  }

  @Test
  void anAuditSkipsJobsWithoutOutputsInsteadOfCallingThemReproduced() throws IOException {
    storeJob("a", List.of(), input("Dockerfile", "FROM x\n"));
    storeJob("b", List.of(), input("Dockerfile", "FROM x\n"));

    ApplicationFailure failure = assertThrows(ApplicationFailure.class,
        () -> new AuditActivitiesImpl(comparison).compareOutputs("a", "b"));

    assertEquals(AuditActivities.NOT_STORED, failure.getType());
    assertTrue(failure.getOriginalMessage().contains("no outputs"), failure.getOriginalMessage());
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
