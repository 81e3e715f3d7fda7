package io.reprise.activities.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.Compendia;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the job activities report to the worker's metrics as they run on the real engine and store: the build's and
 * the program's log bytes, the program's exit code and how it ended, and the bytes cleanup added or found stored.
 */
class JobMetricsReportTest extends JobActivitiesFixture {

  @Test
  void aProgramThatExitsThreeReportsItsCodeItsLogAndWhatCleanupStored() {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(Map.of("Dockerfile", busybox(),
        "run.sh", "echo twelve bytes\nexit 3\n")), compendium);
    Prepared prepared = prepare(job, compendium);

    ApplicationFailure failure = userError(() -> execute(job, prepared));
    assertTrue(failure.getOriginalMessage().startsWith("exited with code 3"), failure.getOriginalMessage());
    cleanup(job, prepared);

    List<String> seen = List.copyOf(reported);
    assertTrue(seen.contains("ended 3 EXITED"), seen.toString());
    assertTrue(seen.contains("log execute 13"), "'twelve bytes' and its newline: " + seen);
    assertTrue(seen.stream().anyMatch(line -> line.matches("log compile [1-9]\\d*")), seen.toString());
    List<String> stored = seen.stream().filter(line -> line.startsWith("stored ")).toList();
    assertEquals(1, stored.size(), seen.toString());
    String[] bytes = stored.get(0).split(" ");
    long compendiumBytes = busybox().length() + "echo twelve bytes\nexit 3\n".length();
    assertEquals(compendiumBytes, Long.parseLong(bytes[1]) + Long.parseLong(bytes[2]),
        "every byte of the working directory is added or reused: " + stored);
  }
}
