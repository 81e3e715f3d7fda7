package io.reprise.activities.storage;

import io.minio.BucketExistsArgs;
import io.minio.ComposeObjectArgs;
import io.minio.ComposeSource;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The artifact store on MinIO (or any S3 API), one bucket for everything. */
public class MinioArtifactStore implements ArtifactStore {

  private final MinioClient client;
  private final String bucket;

  public MinioArtifactStore(MinioClient client, String bucket) {
    this.client = client;
    this.bucket = bucket;
  }

  /** Connects and makes the bucket when it does not exist yet. */
  public static MinioArtifactStore connect(MinioSettings settings) {
    MinioClient client = MinioClient.builder()
        .endpoint(settings.endpoint())
        .credentials(settings.accessKey(), settings.secretKey())
        .build();
    MinioArtifactStore store = new MinioArtifactStore(client, settings.bucket());
    store.ensureBucket();
    return store;
  }

  void ensureBucket() {
    call("make bucket " + bucket, () -> {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        try {
          client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        } catch (ErrorResponseException e) {
          // An instance's API and workers start at once: another of them made it between our check and our call.
          if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
            throw e;
          }
        }
      }
      return null;
    });
  }

  @Override
  public void put(String key, Path file, String contentType) {
    call("upload " + key, () -> client.uploadObject(UploadObjectArgs.builder()
        .bucket(bucket).object(key).filename(file.toString()).contentType(contentType).build()));
  }

  @Override
  public void put(String key, InputStream data, long size, String contentType) {
    call("put " + key, () -> client.putObject(PutObjectArgs.builder()
        .bucket(bucket).object(key).stream(data, size, -1).contentType(contentType).build()));
  }

  @Override
  public Optional<StoredObject> stat(String key) {
    return call("stat " + key, () -> {
      try {
        StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
        return Optional.of(new StoredObject(key, stat.size(), stat.contentType(),
            stat.lastModified() == null ? null : stat.lastModified().toInstant()));
      } catch (ErrorResponseException e) {
        if (isMissing(e)) {
          return Optional.empty();
        }
        throw e;
      }
    });
  }

  @Override
  public Optional<InputStream> open(String key) {
    return call("get " + key, () -> {
      try {
        return Optional.of(client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build()));
      } catch (ErrorResponseException e) {
        if (isMissing(e)) {
          return Optional.empty();
        }
        throw e;
      }
    });
  }

  @Override
  public Optional<InputStream> open(String key, long offset, long length) {
    if (length == 0) {
      // MinIO's client refuses a ranged read of no bytes (an empty file, read whole): nothing to read, if it exists.
      return stat(key).map(found -> InputStream.nullInputStream());
    }
    return call("get a range of " + key, () -> {
      try {
        return Optional.of(client.getObject(GetObjectArgs.builder().bucket(bucket).object(key)
            .offset(offset).length(length).build()));
      } catch (ErrorResponseException e) {
        if (isMissing(e)) {
          return Optional.empty();
        }
        throw e;
      }
    });
  }

  @Override
  public void download(String key, Path target) {
    call("download " + key, () -> {
      try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
        Files.createDirectories(target.toAbsolutePath().getParent());
        return Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    });
  }

  // One S3 copy request takes sources up to 5 GiB; a larger object is copied in parts by compose.
  private static final long MAX_SINGLE_COPY = 5L << 30;

  @Override
  public void copy(String fromKey, String toKey) {
    call("copy " + fromKey + " to " + toKey, () -> {
      long size = client.statObject(StatObjectArgs.builder().bucket(bucket).object(fromKey).build()).size();
      if (size <= MAX_SINGLE_COPY) {
        client.copyObject(CopyObjectArgs.builder().bucket(bucket).object(toKey)
            .source(CopySource.builder().bucket(bucket).object(fromKey).build()).build());
      } else {
        client.composeObject(ComposeObjectArgs.builder().bucket(bucket).object(toKey)
            .sources(List.of(ComposeSource.builder().bucket(bucket).object(fromKey).build())).build());
      }
      return null;
    });
  }

  @Override
  public void delete(String key) {
    call("delete " + key, () -> {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
      return null;
    });
  }

  @Override
  public List<StoredObject> list(String prefix) {
    return call("list " + prefix, () -> {
      List<StoredObject> objects = new ArrayList<>();
      for (Result<Item> result : client.listObjects(
          ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
        Item item = result.get();
        objects.add(new StoredObject(item.objectName(), item.size(), null,
            item.lastModified() == null ? null : item.lastModified().toInstant()));
      }
      return objects;
    });
  }

  private static boolean isMissing(ErrorResponseException e) {
    String code = e.errorResponse().code();
    return "NoSuchKey".equals(code) || "NoSuchObject".equals(code);
  }

  private interface MinioCall<T> {
    T run() throws Exception;
  }

  // The MinIO client declares a long list of checked exceptions; every one of them means the store did not do
  // what was asked, which is an infrastructure error for the caller.
  private static <T> T call(String what, MinioCall<T> action) {
    try {
      return action.run();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new StorageException("MinIO could not " + what + ": " + e.getMessage(), e);
    }
  }
}
