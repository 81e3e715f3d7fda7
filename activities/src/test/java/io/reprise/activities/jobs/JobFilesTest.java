package io.reprise.activities.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.TestStack;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job's files through its manifest, against the real MinIO: blobs, and jobs stored before blobs existed. */
class JobFilesTest {

  private final MinioArtifactStore store = MinioArtifactStore.connect(TestStack.minio("reprise-test"));
  private final JobFiles files = new JobFiles(store);

  @TempDir
  Path scratch;

  private void put(String key, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    store.put(key, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
  }

  private void putManifest(String job, String path, String text) throws IOException {
    Path file = scratch.resolve("content");
    Files.writeString(file, text);
    Path manifest = scratch.resolve("manifest.json");
    new FileManifest(List.of(new FileManifest.Entry(path, Files.size(file), FileManifest.sha256(file), true)))
        .write(manifest);
    store.put(StoreKeys.jobManifest(job), manifest, "application/json");
  }

  private String read(String job, String path) throws IOException {
    try (InputStream in = files.open(job, path).orElseThrow()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String newJob() {
    return "f" + UUID.randomUUID().toString().replace("-", "").substring(0, 11);
  }

  @Test
  void workingDirectoryFilesResolveThroughTheManifestToTheirBlob() throws IOException {
    String job = newJob();
    String text = "content " + job + "\n";
    putManifest(job, "results/out.txt", text);
    String blob = StoreKeys.blob(FileManifest.sha256(scratch.resolve("content")));
    put(blob, text);
    put(StoreKeys.jobLog(job, "execute"), "log\n");

    JobFiles.JobFile located = files.locate(job, "work/results/out.txt").orElseThrow();

    assertEquals(blob, located.key());
    assertEquals(text.length(), located.size());
    assertEquals(text, read(job, "work/results/out.txt"));
    assertEquals("log\n", read(job, "logs/execute.log"));
    assertEquals(List.of("logs/execute.log", "manifest.json", "work/results/out.txt"),
        files.list(job).stream().map(JobFiles.JobFile::path).toList());
    assertTrue(files.locate(job, "work/results/other.txt").isEmpty());
  }

  @Test
  void aNameWithOuterSpacesIsFoundThroughTheManifestAndNeverAsAnotherFile() throws IOException {
    // MinIO keeps a key's outer spaces, so a spaced name can neither miss its file nor read its trimmed twin.
    String job = newJob();
    String text = "spaced " + job + "\n";
    putManifest(job, "results/out.txt ", text);
    put(StoreKeys.blob(FileManifest.sha256(scratch.resolve("content"))), text);
    put(StoreKeys.jobLog(job, "execute"), "log\n");

    assertEquals(text, read(job, "work/results/out.txt "));
    assertTrue(files.locate(job, "work/results/out.txt").isEmpty());
    assertTrue(files.locate(job, "logs/execute.log ").isEmpty());
    assertTrue(files.locate(job, " logs/execute.log").isEmpty());
  }

  @Test
  void jobsStoredBeforeBlobsAreStillServedFromTheirOwnFolder() throws IOException {
    String job = newJob();
    String text = "legacy " + job + "\n";
    putManifest(job, "results/out.txt", text);
    put(StoreKeys.jobFile(job, "work/results/out.txt"), text);

    assertEquals(StoreKeys.jobFile(job, "work/results/out.txt"), files.locate(job, "work/results/out.txt")
        .orElseThrow().key(), "no blob for it: the job's own copy");
    assertEquals(text, read(job, "work/results/out.txt"));
    assertEquals(1, files.list(job).stream().filter(f -> f.path().equals("work/results/out.txt")).count());
  }
}
