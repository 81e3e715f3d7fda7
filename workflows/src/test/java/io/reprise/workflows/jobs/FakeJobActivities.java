package io.reprise.workflows.jobs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Records the order of activity calls and fails the steps a test asks it to. */
class FakeJobActivities implements JobActivities {

  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private volatile RuntimeException compileFailure;

  void failCompileWith(RuntimeException failure) {
    this.compileFailure = failure;
  }

  /** The steps called, in order, each once however often it was attempted. */
  List<String> calls() {
    synchronized (calls) {
      return calls.stream().distinct().toList();
    }
  }

  int attempts(String step) {
    synchronized (calls) {
      return (int) calls.stream().filter(step::equals).count();
    }
  }

  @Override
  public ValidateResult validate(ValidateRequest request) {
    calls.add(JobSteps.VALIDATE);
    return new ValidateResult(3, 100, "3 files");
  }

  @Override
  public CompileResult compile(CompileRequest request) {
    calls.add(JobSteps.COMPILE);
    if (compileFailure != null) {
      throw compileFailure;
    }
    return new CompileResult("sha256:fake-image", "reprise/job-" + request.jobId(), "built");
  }

  @Override
  public ExecuteResult execute(ExecuteRequest request) {
    calls.add(JobSteps.EXECUTE);
    return new ExecuteResult(0, "ran 3 lines");
  }

  @Override
  public CleanupResult cleanup(CleanupRequest request) {
    calls.add(JobSteps.CLEANUP);
    return new CleanupResult(3, 100, "uploaded 3 files");
  }
}
