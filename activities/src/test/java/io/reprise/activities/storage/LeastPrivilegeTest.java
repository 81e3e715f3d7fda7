package io.reprise.activities.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveBucketArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.admin.MinioAdminClient;
import io.minio.admin.UserInfo;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.reprise.activities.TestStack;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reprise works with a MinIO access key limited to its own bucket by docker/minio-policy.json (what the README
 * tells an operator to create instead of handing out the root credentials), and that key reaches nothing else.
 * Workers get a key of their own, limited by docker/minio-policy-worker.json: the same, but nothing under auth/,
 * where the API keeps its tokens (an object there is a token), so a worker's key cannot mint one. The users and
 * the policies are made on the real MinIO through its admin API, with the stack's root credentials.
 */
class LeastPrivilegeTest {

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String bucket = "reprise-lp-" + suffix;
  private final String otherBucket = "reprise-lp-other-" + suffix;
  private final String policyName = "reprise-lp-" + suffix;
  private final String accessKey = "reprise-lp-" + suffix;
  private final String secretKey = UUID.randomUUID().toString();
  private final String workerPolicyName = "reprise-lp-worker-" + suffix;
  private final String workerKey = "reprise-lp-worker-" + suffix;
  private final String workerSecret = UUID.randomUUID().toString();
  private final MinioSettings root = TestStack.minio(bucket);
  private final MinioClient rootClient = MinioClient.builder().endpoint(root.endpoint())
      .credentials(root.accessKey(), root.secretKey()).build();
  private final MinioAdminClient admin = MinioAdminClient.builder().endpoint(root.endpoint())
      .credentials(root.accessKey(), root.secretKey()).build();

  @TempDir
  Path dir;

  @BeforeEach
  void makeUserAndBuckets() throws Exception {
    for (String name : new String[] {bucket, otherBucket}) {
      rootClient.makeBucket(MakeBucketArgs.builder().bucket(name).build());
    }
    byte[] secret = "another tenant's data".getBytes(StandardCharsets.UTF_8);
    rootClient.putObject(PutObjectArgs.builder().bucket(otherBucket).object("private.txt")
        .stream(new ByteArrayInputStream(secret), secret.length, -1).build());
    String policy = Files.readString(TestStack.repoRoot().resolve("docker/minio-policy.json"))
        .replace("arn:aws:s3:::BUCKET", "arn:aws:s3:::" + bucket);
    admin.addCannedPolicy(policyName, policy);
    admin.addUser(accessKey, UserInfo.Status.ENABLED, secretKey, null, null);
    admin.setPolicy(accessKey, false, policyName);
    String workerPolicy = Files.readString(TestStack.repoRoot().resolve("docker/minio-policy-worker.json"))
        .replace("arn:aws:s3:::BUCKET", "arn:aws:s3:::" + bucket);
    admin.addCannedPolicy(workerPolicyName, workerPolicy);
    admin.addUser(workerKey, UserInfo.Status.ENABLED, workerSecret, null, null);
    admin.setPolicy(workerKey, false, workerPolicyName);
  }

  @AfterEach
  void removeUserAndBuckets() throws Exception {
    admin.deleteUser(accessKey);
    admin.removeCannedPolicy(policyName);
    admin.deleteUser(workerKey);
    admin.removeCannedPolicy(workerPolicyName);
    for (String name : new String[] {bucket, otherBucket}) {
      for (Result<Item> item : rootClient.listObjects(ListObjectsArgs.builder().bucket(name).recursive(true)
          .build())) {
        rootClient.removeObject(RemoveObjectArgs.builder().bucket(name).object(item.get().objectName()).build());
      }
      rootClient.removeBucket(RemoveBucketArgs.builder().bucket(name).build());
    }
  }

  private MinioSettings limited(String bucketName) {
    return new MinioSettings(root.endpoint(), accessKey, secretKey, bucketName);
  }

  @Test
  void everyOperationOfTheStoreWorksWithTheLimitedKey() throws Exception {
    MinioArtifactStore store = MinioArtifactStore.connect(limited(bucket));
    byte[] bytes = "measurements: 7\n".getBytes(StandardCharsets.UTF_8);
    store.put("jobs/j1/logs/execute.log", new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    Path file = Files.write(dir.resolve("summary.txt"), bytes);
    store.put("staging/x", file, "text/plain");

    assertEquals(bytes.length, store.stat("jobs/j1/logs/execute.log").orElseThrow().size());
    try (InputStream in = store.open("jobs/j1/logs/execute.log").orElseThrow()) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
    try (InputStream in = store.open("jobs/j1/logs/execute.log", 14, 2).orElseThrow()) {
      assertEquals("7\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    store.copy("staging/x", "blobs/sha256/x");
    Path downloaded = dir.resolve("downloaded");
    store.download("blobs/sha256/x", downloaded);
    assertArrayEquals(bytes, Files.readAllBytes(downloaded));
    assertEquals(2, store.list("").stream().filter(o -> !o.key().startsWith("staging/")).count());
    store.delete("staging/x");
    assertTrue(store.stat("staging/x").isEmpty());
    assertTrue(store.stat("jobs/none").isEmpty(), "a missing object is absent, not an error");
    BlobStore blobs = new BlobStore(store);
    String hash = io.reprise.activities.files.Sha256.of(file);
    blobs.put(file, hash, bytes.length, "text/plain");
    assertTrue(blobs.contains(hash));
  }

  private MinioArtifactStore worker() {
    return MinioArtifactStore.connect(new MinioSettings(root.endpoint(), workerKey, workerSecret, bucket));
  }

  @Test
  void everyOperationOfAWorkerWorksWithTheWorkersKey() throws Exception {
    byte[] archive = "a compendium's archive".getBytes(StandardCharsets.UTF_8);
    rootClient.putObject(PutObjectArgs.builder().bucket(bucket).object(StoreKeys.compendiumArchive("c1"))
        .stream(new ByteArrayInputStream(archive), archive.length, -1).build());
    MinioArtifactStore store = worker();

    // Validate: the compendium's archive.
    assertTrue(store.stat(StoreKeys.compendiumArchive("c1")).isPresent());
    Path downloaded = dir.resolve("archive");
    store.download(StoreKeys.compendiumArchive("c1"), downloaded);
    assertArrayEquals(archive, Files.readAllBytes(downloaded));
    // Cleanup: a file as a blob (staging, copy, delete), the logs, provenance and manifest under jobs/<id>/.
    byte[] bytes = "measurements: 7\n".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("summary.txt"), bytes);
    String hash = io.reprise.activities.files.Sha256.of(file);
    BlobStore blobs = new BlobStore(store);
    blobs.put(file, hash, bytes.length, "text/plain");
    assertTrue(blobs.contains(hash));
    store.put(StoreKeys.jobLog("j1", "execute"), new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    store.put(StoreKeys.jobFile("j1", "provenance.json"), file, "application/json");
    store.put(StoreKeys.jobManifest("j1"), file, "application/json");
    // The engine's description for the API, and the job's files as an audit reads them.
    store.put(StoreKeys.engine("host-1"), new ByteArrayInputStream(bytes), bytes.length, "application/json");
    assertEquals(3, store.list(StoreKeys.jobPrefix("j1")).size());
    try (InputStream in = store.open(StoreKeys.jobLog("j1", "execute")).orElseThrow()) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
    assertTrue(store.list("staging/").isEmpty(), "the blob's staging copy is deleted");
  }

  @Test
  void theWorkersKeyCanNeitherWriteNorReadTokensAndTheApisKeyCan() throws Exception {
    String token = "auth/tokens/" + "ab".repeat(32) + ".json";
    byte[] forged = "{\"user\": \"mallory\", \"role\": \"operator\"}".getBytes(StandardCharsets.UTF_8);
    MinioArtifactStore api = MinioArtifactStore.connect(limited(bucket));
    MinioArtifactStore store = worker();

    MinioClient workerClient = MinioClient.builder().endpoint(root.endpoint()).credentials(workerKey, workerSecret)
        .build();
    ErrorResponseException denied = assertThrows(ErrorResponseException.class, () -> workerClient.putObject(
        PutObjectArgs.builder().bucket(bucket).object(token).stream(new ByteArrayInputStream(forged),
            forged.length, -1).build()));
    assertEquals("AccessDenied", denied.errorResponse().code());
    assertThrows(StorageException.class, () -> store.put(token, new ByteArrayInputStream(forged), forged.length,
        "application/json"));
    Path file = Files.write(dir.resolve("forged.json"), forged);
    assertThrows(StorageException.class, () -> store.put(token, file, "application/json"));
    store.put("staging/forged", file, "application/json");
    assertThrows(StorageException.class, () -> store.copy("staging/forged", token));
    assertTrue(api.stat(token).isEmpty(), "the worker's key wrote a token");

    api.put(token, file, "application/json");
    assertTrue(api.open(token).isPresent(), "the API's key reads its tokens");
    ErrorResponseException read = assertThrows(ErrorResponseException.class, () -> workerClient.getObject(
        GetObjectArgs.builder().bucket(bucket).object(token).build()).close());
    assertEquals("AccessDenied", read.errorResponse().code());
    assertThrows(StorageException.class, () -> store.open(token));
    assertThrows(StorageException.class, () -> store.delete(token));
    assertTrue(api.stat(token).isPresent(), "the worker's key deleted a token");
  }

  @Test
  void theLimitedKeyReadsNoOtherBucketAndMakesNone() {
    MinioClient limitedClient = MinioClient.builder().endpoint(root.endpoint()).credentials(accessKey, secretKey)
        .build();

    ErrorResponseException read = assertThrows(ErrorResponseException.class, () -> limitedClient.getObject(
        GetObjectArgs.builder().bucket(otherBucket).object("private.txt").build()).close());
    assertEquals("AccessDenied", read.errorResponse().code());
    ErrorResponseException list = assertThrows(ErrorResponseException.class,
        () -> limitedClient.listObjects(ListObjectsArgs.builder().bucket(otherBucket).build()).iterator().next()
            .get());
    assertEquals("AccessDenied", list.errorResponse().code());
    ErrorResponseException make = assertThrows(ErrorResponseException.class, () -> limitedClient.makeBucket(
        MakeBucketArgs.builder().bucket("reprise-lp-new-" + suffix).build()));
    assertEquals("AccessDenied", make.errorResponse().code());
    assertThrows(RuntimeException.class, () -> MinioArtifactStore.connect(limited(otherBucket)),
        "the store does not open another bucket");
  }

  @Test
  void theRootCredentialsStillSeeTheOtherBucketSoTheDenialIsThePolicys() throws Exception {
    assertTrue(rootClient.bucketExists(BucketExistsArgs.builder().bucket(otherBucket).build()));
    try (InputStream in = rootClient.getObject(GetObjectArgs.builder().bucket(otherBucket).object("private.txt")
        .build())) {
      assertFalse(new String(in.readAllBytes(), StandardCharsets.UTF_8).isEmpty());
    }
  }
}
