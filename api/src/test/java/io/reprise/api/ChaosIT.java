package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The short version of bench/chaos: a worker killed during execute, the Temporal server killed during execute and
 * restarted, and MinIO stopped during cleanup, each while a job runs. Every job must end success, its program must
 * have run once, and its outputs must be stored and identical to a fault-free job's. The bench runs on a private
 * stack of its own (its own Docker engine, Temporal and MinIO, on other ports, in .state-chaos/), so the faults
 * never reach the stack the other tests and users share; this test only reads the bench's line per trial.
 */
class ChaosIT {

  private static final List<String> KINDS = List.of("worker-execute", "temporal-execute", "minio-cleanup");

  @Test
  void jobsSurviveAWorkerKillATemporalRestartAndAMinioOutageRunningTheirProgramOnce() throws Exception {
    Path results = Files.createTempFile("chaos-results", ".tsv");
    Path log = Files.createTempFile("chaos", ".log");
    Process bench = new ProcessBuilder("bash", TestStack.repoRoot().resolve("bench/chaos").toString(), "--quick",
        "--only", String.join(",", KINDS), "--results", results.toString(), "--down")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = bench.waitFor(8, TimeUnit.MINUTES);
    if (!ended) {
      bench.descendants().forEach(ProcessHandle::destroy);
      bench.destroy();
    }
    String output = Files.readString(log);
    assertTrue(ended, "bench/chaos did not end in 8 minutes:\n" + output);
    assertEquals(0, bench.exitValue(), "bench/chaos failed:\n" + output);

    // kind, job, status, verdict, runs of the program, outputs, extra seconds, note
    List<String[]> trials = Files.readAllLines(results).stream().map(line -> line.split("\t", -1))
        .filter(fields -> !fields[0].equals("reference")).toList();
    assertEquals(KINDS, trials.stream().map(fields -> fields[0]).toList(), output);
    for (String[] trial : trials) {
      String which = trial[0] + " (job " + trial[1] + ")";
      assertEquals("success", trial[2], which + " did not end success:\n" + output);
      assertEquals("1", trial[4], which + ": the program's runs\n" + output);
      assertEquals("same", trial[5], which + ": outputs differ from the fault-free job's or are lost\n" + output);
      assertEquals("ok", trial[3], which + "\n" + output);
    }
  }
}
