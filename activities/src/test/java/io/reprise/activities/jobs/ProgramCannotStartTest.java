package io.reprise.activities.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.Compendia;
import io.reprise.activities.docker.ProgramCannotStartException;
import io.reprise.workflows.jobs.JobFailure;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A command the image cannot execute is the compendium's error: execute fails at once, not retryable, with the
 * engine's text (issue 11, defect 6: such a job was retried for 95 s as an infrastructure error). On the real
 * Docker engine.
 */
class ProgramCannotStartTest extends JobActivitiesFixture {

  private ApplicationFailure executeFails(Map<String, String> files) {
    String compendium = compendiumId();
    String job = newJob(Compendia.zip(files), compendium);
    Prepared prepared = prepare(job, compendium);
    return userError(() -> execute(job, prepared));
  }

  private static void assertUserError(ApplicationFailure failure, String engineSays) {
    assertEquals(JobFailure.EXECUTION_FAILED.name(), failure.getType(), failure.getOriginalMessage());
    assertTrue(failure.isNonRetryable(), "not retried: " + failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().startsWith("the program could not start: "),
        failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains(engineSays), failure.getOriginalMessage());
    assertFalse(failure.getOriginalMessage().startsWith("the program could not start: Status "),
        failure.getOriginalMessage());
  }

  @Test
  void aCommandThatIsNoFileFailsAtOnce() {
    ApplicationFailure failure = executeFails(Map.of("Dockerfile", "FROM scratch\nCMD [\"/nonexistent\"]\n"));

    assertUserError(failure, "no such file or directory");
    assertTrue(failure.getOriginalMessage().contains("/nonexistent"), failure.getOriginalMessage());
  }

  @Test
  void aCommandThatIsNotExecutableFailsAtOnce() {
    ApplicationFailure failure = executeFails(Map.of(
        "Dockerfile", "FROM reprise/busybox\nCMD [\"/work/notes.txt\"]\n", "notes.txt", "just text\n"));

    assertUserError(failure, "permission denied");
  }

  @Test
  void aCommandThatIsNoProgramForThisMachineFailsAtOnce() {
    // An executable file of text without a #! line: the kernel cannot run it. This engine's runc reports it from
    // inside the started container (exit code 1), so it is a failed program, as long as it is not retried.
    ApplicationFailure failure = executeFails(Map.of(
        "Dockerfile", "FROM reprise/busybox\nRUN printf 'just text' > /notes && chmod 755 /notes\n"
            + "CMD [\"/notes\"]\n"));

    assertEquals(JobFailure.EXECUTION_FAILED.name(), failure.getType(), failure.getOriginalMessage());
    assertTrue(failure.isNonRetryable(), "not retried: " + failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains("exec format error"), failure.getOriginalMessage());
  }

  @Test
  void anEngineThatIsDownIsNoUserError() {
    assertFalse(ProgramCannotStartException.causedByImage(
        "Status 500: {\"message\":\"Cannot connect to the Docker daemon at unix:///var/run/docker.sock\"}"));
    assertFalse(ProgramCannotStartException.causedByImage(
        "OCI runtime create failed: runc create failed: unable to apply cgroup configuration: out of memory"));
    assertTrue(ProgramCannotStartException.causedByImage("failed to create shim task: OCI runtime create failed: "
        + "runc create failed: unable to start container process: exec: \"/x\": stat /x: no such file or directory"));
  }
}
