package io.reprise.activities.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.reprise.activities.TestStack;
import io.reprise.activities.docker.ContainerEngine;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.StoredObject;
import io.reprise.workflows.storage.StorageActivities;
import io.reprise.workflows.storage.SweepReport;
import io.temporal.testing.TestActivityEnvironment;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hosts' image sweep on the real MinIO with an engine in memory. An engine is shared by every instance on its
 * host: it holds other instances' job images, whose jobs this instance's Temporal namespace does not know.
 */
class StorageActivitiesImplTest {

  private final MinioArtifactStore store = MinioArtifactStore.connect(TestStack.minio("reprise-sweep-test"));
  private final StorageSweeperTest.FakeDirectory directory = new StorageSweeperTest.FakeDirectory();
  private final Map<String, String> images = new TreeMap<>();
  private final List<String> removed = new ArrayList<>();
  private TestActivityEnvironment env;
  private StorageActivities activities;

  private ContainerEngine engine() {
    return (ContainerEngine) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {ContainerEngine.class}, (proxy, method, args) -> switch (method.getName()) {
          case "jobImages" -> List.copyOf(images.keySet());
          case "imageId" -> images.get((String) args[0]);
          case "removeImage" -> {
            images.remove((String) args[0]);
            removed.add((String) args[0]);
            yield null;
          }
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  @BeforeEach
  void start() {
    for (StoredObject object : store.list("")) {
      store.delete(object.key());
    }
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new StorageActivitiesImpl(store, directory, engine(),
        new StorageActivitiesImpl.Settings(Duration.ZERO, Duration.ZERO, Duration.ofHours(1))));
    activities = env.newActivityStub(StorageActivities.class);
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private void provenance(String jobId, String imageId) {
    byte[] json = ("{\"image_id\": \"" + imageId + "\"}").getBytes(StandardCharsets.UTF_8);
    store.put(StoreKeys.jobFile(jobId, "provenance.json"), new ByteArrayInputStream(json), json.length,
        "application/json");
  }

  @Test
  void onlyTheImagesOfJobsThisInstanceDeletedAreRemovedAndOnlyWhenTheTagStillNamesTheRecordedImage() {
    images.put("reprise/job-mine:latest", "sha256:aaa");
    images.put("reprise/job-theirs:latest", "sha256:bbb");    // another instance's job
    images.put("reprise/job-same:latest", "sha256:ccc");      // the same id in another instance, another image
    images.put("reprise/job-kept:latest", "sha256:eee");      // a job this instance still has
    directory.jobs.put("mine", new JobDirectory.Job("mine", "u", "c", "success", Instant.now()));
    directory.jobs.put("same", new JobDirectory.Job("same", "u", "c", "success", Instant.now()));
    directory.jobs.put("kept", new JobDirectory.Job("kept", "u", "c", "success", Instant.now()));
    provenance("mine", "sha256:aaa");
    provenance("same", "sha256:ddd");
    provenance("kept", "sha256:eee");
    JobDeletion deletion = new JobDeletion(store, directory);
    deletion.delete("mine");
    deletion.delete("same");

    SweepReport.HostImages result = activities.removeJobImages("h1");
    assertEquals(List.of("reprise/job-mine:latest"), removed);
    assertEquals(List.of("reprise/job-mine:latest"), result.removed());
    assertEquals(4, result.images());
    assertEquals(List.of(), activities.removeJobImages("h1").removed(), "a second sweep finds nothing to remove");
  }
}
