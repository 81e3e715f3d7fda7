package io.reprise.activities.storage;

/**
 * The layout of the artifact store, in one place:
 * <pre>
 * compendia/{compendiumId}/archive        the uploaded archive, as it came
 * jobs/{jobId}/work/{path}                the job's working directory after it ran
 * jobs/{jobId}/logs/{step}.log            full logs of the steps that have one
 * </pre>
 */
public final class StoreKeys {

  private StoreKeys() {}

  public static String compendiumArchive(String compendiumId) {
    return "compendia/" + compendiumId + "/archive";
  }

  public static String jobPrefix(String jobId) {
    return "jobs/" + jobId + "/";
  }

  public static String jobFile(String jobId, String relativePath) {
    return jobPrefix(jobId) + relativePath;
  }

  public static String jobLog(String jobId, String step) {
    return jobPrefix(jobId) + "logs/" + step + ".log";
  }
}
