package io.reprise.workflows.jobs;

import java.util.List;

/** The names of a job's steps, in the order they run. */
public final class JobSteps {
  public static final String VALIDATE = "validate";
  public static final String COMPILE = "compile";
  public static final String EXECUTE = "execute";
  public static final String CLEANUP = "cleanup";
  public static final List<String> ORDER = List.of(VALIDATE, COMPILE, EXECUTE, CLEANUP);

  private JobSteps() {}
}
