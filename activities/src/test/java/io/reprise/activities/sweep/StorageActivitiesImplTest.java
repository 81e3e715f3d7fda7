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
  private final List<String> containersRemoved = new ArrayList<>();
  private TestActivityEnvironment env;
  private StorageActivities activities;

  @org.junit.jupiter.api.io.TempDir
  java.nio.file.Path workRoot;

  private ContainerEngine engine() {
    return (ContainerEngine) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {ContainerEngine.class}, (proxy, method, args) -> switch (method.getName()) {
          case "jobImages" -> List.copyOf(images.keySet());
          case "imageId" -> images.get((String) args[0]);
          case "removeContainer" -> containersRemoved.add((String) args[0]);
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
        new StorageActivitiesImpl.Settings(Duration.ZERO, Duration.ZERO, Duration.ofHours(1), workRoot)));
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

  /** A job folder on the host, as a worker leaves it, last changed the given time ago. */
  private java.nio.file.Path folder(String name, Duration ago) throws java.io.IOException {
    java.nio.file.Path folder = java.nio.file.Files.createDirectories(workRoot.resolve(name));
    java.nio.file.Files.createDirectories(folder.resolve("work/results"));
    java.nio.file.Files.writeString(folder.resolve("work/results/out.txt"), "left behind");
    java.nio.file.Files.setLastModifiedTime(folder,
        java.nio.file.attribute.FileTime.from(Instant.now().minus(ago)));
    return folder;
  }

  @Test
  void foldersOfJobsThatNoLongerRunAreRemovedFromTheHostAndNoOtherFolder() throws java.io.IOException {
    Duration old = StorageActivitiesImpl.FOLDER_QUIET.plusMinutes(5);
    directory.jobs.put("endedjob0001", new JobDirectory.Job("endedjob0001", "u", "c", "success", Instant.now()));
    directory.jobs.put("runningjob01", new JobDirectory.Job("runningjob01", "u", "c", "running", null));
    directory.jobs.put("freshended01", new JobDirectory.Job("freshended01", "u", "c", "failure", Instant.now()));
    java.nio.file.Path ended = folder("endedjob0001", old);
    java.nio.file.Path deleted = folder("deletedjob01", old);      // Temporal no longer has the job
    java.nio.file.Path running = folder("runningjob01", old);      // a long job: its folder is old, it still runs
    java.nio.file.Path fresh = folder("freshended01", Duration.ofMinutes(1));
    java.nio.file.Path other = folder("not-a-job", old);           // nothing a job made: never touched
    java.nio.file.Files.writeString(workRoot.resolve("abcdefghijkl"), "a file, not a folder");

    SweepReport.HostImages result = activities.removeJobImages("h1");
    assertEquals(java.util.Set.of("endedjob0001", "deletedjob01"), java.util.Set.copyOf(result.foldersRemoved()));
    assertEquals(java.util.Set.of("reprise-job-endedjob0001", "reprise-job-deletedjob01"),
        java.util.Set.copyOf(containersRemoved));
    org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(ended));
    org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(deleted));
    for (java.nio.file.Path kept : List.of(running, fresh, other, workRoot.resolve("abcdefghijkl"))) {
      org.junit.jupiter.api.Assertions.assertTrue(java.nio.file.Files.exists(kept), kept + " was removed");
    }
  }
}
