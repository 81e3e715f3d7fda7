package io.reprise.activities.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.minio.RemoveBucketArgs;
import io.reprise.activities.TestStack;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The store on the real MinIO. */
class MinioArtifactStoreTest {

  /** An empty file read whole is a range of no bytes, which MinIO's client refuses to ask for. */
  @Test
  void anEmptyObjectReadWholeAsARangeIsEmptyAndAMissingOneIsAbsent() throws Exception {
    MinioArtifactStore store = MinioArtifactStore.connect(TestStack.minio("reprise-test"));
    String key = "test/empty-" + UUID.randomUUID();
    store.put(key, new java.io.ByteArrayInputStream(new byte[0]), 0, "text/plain");
    try (java.io.InputStream in = store.open(key, 0, 0).orElseThrow()) {
      assertEquals(0, in.readAllBytes().length);
    } finally {
      store.delete(key);
    }
    assertEquals(java.util.Optional.empty(), store.open(key, 0, 0));
  }

  /**
   * An instance's API and workers start at once and each makes the bucket if it is missing: the ones that lose the
   * race are told the bucket is already theirs, which is what they wanted, not a reason to fail to start.
   */
  @Test
  void processesThatMakeTheSameNewBucketAtOnceAllStart() throws Exception {
    String bucket = "reprise-race-" + UUID.randomUUID().toString().substring(0, 8);
    MinioSettings settings = TestStack.minio(bucket);
    int processes = 8;
    CountDownLatch gate = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(processes);
    try {
      List<Future<MinioArtifactStore>> starts = new ArrayList<>();
      for (int i = 0; i < processes; i++) {
        starts.add(pool.submit(() -> {
          gate.await();
          return MinioArtifactStore.connect(settings);
        }));
      }
      gate.countDown();
      int started = 0;
      for (Future<MinioArtifactStore> start : starts) {
        start.get();
        started++;
      }
      assertEquals(processes, started);
    } finally {
      pool.shutdownNow();
      MinioClient client = MinioClient.builder().endpoint(settings.endpoint())
          .credentials(settings.accessKey(), settings.secretKey()).build();
      if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        client.removeBucket(RemoveBucketArgs.builder().bucket(bucket).build());
      }
    }
  }
}
