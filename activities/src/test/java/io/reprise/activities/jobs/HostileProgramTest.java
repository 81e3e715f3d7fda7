package io.reprise.activities.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.Compendia;
import io.reprise.activities.files.Sha256;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.workflows.jobs.JobActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Programs written to attack the worker that runs them: each test is an attack of issue 9 and the truthful way the
 * job must end. They run on the real Docker engine and MinIO.
 */
class HostileProgramTest extends JobActivitiesFixture {

  private static String sha256(String text) {
    java.security.MessageDigest digest = Sha256.digest();
    digest.update(text.getBytes(StandardCharsets.UTF_8));
    return Sha256.hex(digest);
  }

  private Prepared run(String script) {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of("Dockerfile", busybox(), "run.sh", script)), compendium);
    return prepare(job, compendium);
  }

  private String lastJob() {
    return jobs.get(jobs.size() - 1);
  }

  @Test
  void aLinkAndABackslashInANameDoNotLetCleanupReadAHostFile() throws IOException {
    Path hostFolder = Files.createTempDirectory("reprise-host-secret");
    Files.writeString(hostFolder.resolve("secret"), "host secret\n");
    try {
      Prepared prepared = run(String.join("\n",
          "ln -s " + hostFolder + " h",
          "echo decoy > 'h\\secret'",
          ""));
      String job = lastJob();
      execute(job, prepared);
      JobActivities.CleanupResult cleaned = cleanup(job, prepared);

      String manifest = stored(job, "manifest.json");
      assertFalse(manifest.contains("h/secret"), manifest);
      assertTrue(cleaned.text().contains("a backslash in a name"), cleaned.text());
      String hostBlob = StoreKeys.blob(sha256("host secret\n"));
      assertFalse(new JobFiles(store).list(job).stream().anyMatch(f -> f.key().equals(hostBlob)),
          "the host's file is not among the job's files");
    } finally {
      Files.deleteIfExists(hostFolder.resolve("secret"));
      Files.deleteIfExists(hostFolder);
    }
  }

  @Test
  void aProgramCannotStoreBytesUnderTheHashOfOtherContent() throws IOException {
    // The file literally named 'h\x' holds the victim's bytes, so its hash is the victim's; the bytes behind
    // h/x (through the link) are the forgery. A store that trusted the walk's hash would file the forgery under it.
    String victim = "victim output " + compendiumId() + "\n";
    Prepared prepared = run(String.join("\n",
        "mkdir evil",
        "echo forged > evil/x",
        "ln -s evil h",
        "printf '%s\\n' '" + victim.trim() + "' > 'h\\x'",
        ""));
    String job = lastJob();
    execute(job, prepared);
    cleanup(job, prepared);

    String blob = StoreKeys.blob(sha256(victim));
    if (store.stat(blob).isPresent()) {
      try (InputStream in = store.open(blob).orElseThrow()) {
        assertEquals(victim, new String(in.readAllBytes(), StandardCharsets.UTF_8), "a blob holds its own hash's bytes");
      }
    }
    assertEquals("forged\n", stored(job, "work/evil/x"), "the real file is stored as itself");
  }

  @Test
  void oneHugeLineWithoutANewlineEndsTheJobWithABoundedText() {
    Prepared prepared = run("head -c 20000000 /dev/zero | tr '\\0' a\n");
    String job = lastJob();

    JobActivities.ExecuteResult executed = execute(job, prepared);

    assertTrue(executed.text().length() <= io.reprise.workflows.jobs.StepText.MAX_CHARS + 100,
        "text of " + executed.text().length() + " characters");
    assertTrue(executed.text().contains("more characters]"), executed.text().substring(0, 200));
  }

  @Test
  void theStoredLogKeepsItsLimitAndSaysWhatWasCut() throws IOException {
    // Three times the test's log limit, in lines.
    Prepared prepared = run("i=0; while [ $i -lt 3000 ]; do head -c 1023 /dev/zero | tr '\\0' x; echo; i=$((i+1)); done\n");
    String job = lastJob();

    JobActivities.ExecuteResult executed = execute(job, prepared);
    cleanup(job, prepared);

    long size = store.stat(StoreKeys.jobLog(job, "execute")).orElseThrow().size();
    assertTrue(size <= LOG_LIMIT + 200, "log of " + size + " bytes");
    assertTrue(stored(job, "logs/execute.log").endsWith("more bytes were not kept\n"));
    assertTrue(executed.text().length() <= io.reprise.workflows.jobs.StepText.MAX_CHARS + 100);
  }

  @Test
  void aProgramThatFillsItsDiskFailsWithTheDiskLimitAndLeavesTheHostAlone() throws IOException {
    Prepared prepared = run("dd if=/dev/zero of=/work/fill bs=1048576 count=" + (3 * DISK_LIMIT >> 20) + "\n");
    String job = lastJob();

    ApplicationFailure failure = userError(() -> execute(job, prepared));
    // The image is sparse: the host never gives it more than its size, whatever the program writes.
    long size = Files.size(new Workspace(workRoot).diskImage(job));
    cleanup(job, prepared);

    assertTrue(failure.getOriginalMessage().startsWith("disk limit reached"), failure.getOriginalMessage());
    assertTrue(size < 2 * DISK_LIMIT, "file system of " + size + " bytes");
  }

  @Test
  void aSparseFileOfGigabytesIsNeitherHashedNorStored() throws IOException {
    Prepared prepared = run("truncate -s 8G /work/huge.bin\necho small > small.txt\n");
    String job = lastJob();
    execute(job, prepared);

    JobActivities.CleanupResult cleaned = cleanup(job, prepared);

    assertTrue(cleaned.text().contains("'huge.bin' (8589934592 bytes, past the"), cleaned.text());
    assertEquals("small\n", stored(job, "work/small.txt"));
  }

  @Test
  void theWorkingDirectoryBelongsToTheProgramsUserBeforeAnyContainerRuns() throws IOException {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of("Dockerfile", busybox(), "run.sh", "true\n")), compendium);

    activities.validate(new io.reprise.workflows.jobs.JobActivities.ValidateRequest(job, compendium));

    Path work = new Workspace(workRoot).workDir(job);
    PosixFileAttributeView view = Files.getFileAttributeView(work.resolve("run.sh"), PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS);
    assertEquals("nobody", view.readAttributes().owner().getName());
  }
}
