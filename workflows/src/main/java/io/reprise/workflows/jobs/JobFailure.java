package io.reprise.workflows.jobs;

import io.temporal.failure.ApplicationFailure;

/**
 * The kinds of user error a job can end with. Each becomes a non-retryable {@link ApplicationFailure} whose type is
 * the constant's name: retrying a bad archive or a failing program gives the same answer, so it must not be retried.
 * Infrastructure errors (Docker or MinIO unreachable) are thrown as they are and retried with backoff.
 */
public enum JobFailure {
  /** The archive is unreadable or unsafe, a bag's checksums do not match, reprise.yml or the Dockerfile is bad. */
  INVALID_COMPENDIUM,
  /** The image did not build from the compendium's Dockerfile. */
  BUILD_FAILED,
  /** The program exited with a non-zero code, ran out of memory, or ran past its time limit. */
  EXECUTION_FAILED;

  /** True when a failure of this type is a user error rather than an infrastructure one. */
  public static boolean isUserError(String type) {
    for (JobFailure failure : values()) {
      if (failure.name().equals(type)) {
        return true;
      }
    }
    return false;
  }

  public ApplicationFailure failure(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, name());
  }

  /** A failure that carries details, such as the exit code of a program that failed. */
  public ApplicationFailure failure(String message, Object details) {
    return ApplicationFailure.newNonRetryableFailure(message, name(), details);
  }
}
