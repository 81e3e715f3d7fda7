package io.reprise.activities.storage;

/** Where MinIO is and how to reach it. The credentials come from the environment, never from code. */
public record MinioSettings(String endpoint, String accessKey, String secretKey, String bucket) {

  public MinioSettings {
    require(endpoint, "endpoint");
    require(accessKey, "access-key (REPRISE_MINIO_ACCESS_KEY)");
    require(secretKey, "secret-key (REPRISE_MINIO_SECRET_KEY)");
    require(bucket, "bucket");
  }

  private static void require(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("reprise.minio." + name + " is not set");
    }
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "MinioSettings[endpoint=" + endpoint + ", bucket=" + bucket + "]";
  }
}
