package io.reprise.api.compendia;

import io.reprise.activities.docker.ImageRegistry;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.compendia.ArchiveFormat;
import io.reprise.activities.compendia.SafeUnpacker;
import io.reprise.activities.compendia.UnpackLimits;
import io.reprise.activities.compendia.UnpackSummary;
import io.reprise.activities.compendia.UnsafeArchiveException;
import io.reprise.activities.jobs.FileManifest;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.api.Ids;
import io.reprise.api.web.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.multipart.MultipartFile;

/**
 * Compendia as stored archives with their metadata. An upload is unpacked once into a temporary folder with the
 * same safe unpacker as validate, and checked with validate's static checks ({@link UploadCheck}), so an unsafe,
 * corrupt or unrunnable archive is refused before anything is stored, and every file's SHA-256 is known from the
 * start.
 */
@Service
public class CompendiumService {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ArtifactStore store;
  private final SafeUnpacker unpacker = new SafeUnpacker(UnpackLimits.DEFAULT);
  private final UploadCheck check;

  @Autowired
  public CompendiumService(ArtifactStore store) {
    this(store, new PublishedEngines(store, Clock.systemUTC()));
  }

  CompendiumService(ArtifactStore store, PublishedEngines engines) {
    this.store = store;
    // The registry the workers pull pinned base images from (the same REPRISE_REGISTRY as theirs).
    this.check = new UploadCheck(engines, ImageRegistry.of(System.getenv("REPRISE_REGISTRY"), null, null));
  }

  /**
   * What {@code GET /api/v1/compendium/{id}} shows. The content hash is SHA-256 over the sorted lines
   * "path NUL sha256 LF" of every file, so it names the compendium's content whatever the archive format.
   * {@code uploaded_by} is the user who uploaded it (absent on compendia stored before there were identities).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Compendium(String id, String created, String format, long size,
      @JsonProperty("content_hash") String contentHash, List<FileManifest.Entry> files,
      @JsonProperty("uploaded_by") String uploadedBy) {}

  public String store(MultipartFile upload) throws IOException {
    return store(upload, null);
  }

  /** Stores the upload as the user's; answers the new compendium's id. */
  public String store(MultipartFile upload, String uploadedBy) throws IOException {
    if (upload.isEmpty()) {
      throw ApiException.badRequest("the compendium archive is empty");
    }
    ArchiveFormat format;
    try (InputStream head = upload.getInputStream()) {
      format = ArchiveFormat.sniff(head.readNBytes(4)).orElseThrow(() -> new ApiException(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE, "the compendium must be a zip or tar.gz archive"));
    }
    Path scratch = Files.createTempDirectory("reprise-upload-");
    try {
      Path archive = scratch.resolve("archive");
      upload.transferTo(archive);
      UnpackSummary summary;
      try {
        summary = unpacker.unpack(archive, scratch.resolve("files"));
      } catch (UnsafeArchiveException e) {
        throw ApiException.badRequest("the archive was refused: " + e.getMessage());
      } catch (FileSystemException e) {
        // The server's own folder failed (permissions, a full disk): not the client's fault.
        throw e;
      } catch (IOException | IllegalArgumentException e) {
        // A zip without its central directory, a tar.gz cut short, a gzip of something that is not a tar: the
        // archive library reports them as I/O errors or bad header values.
        throw ApiException.badRequest("the archive is truncated or corrupt: it cannot be read as a "
            + format.name().toLowerCase().replace('_', '.') + " archive");
      }
      List<String> problems = check.problems(scratch.resolve("files"), summary);
      if (!problems.isEmpty()) {
        throw ApiException.badRequest("the compendium was refused: " + String.join("; ", problems));
      }
      List<FileManifest.Entry> files = List.copyOf(FileManifest.scan(scratch.resolve("files")).values());
      String id = Ids.newId();
      Compendium compendium = new Compendium(id, Instant.now().toString(), format.name().toLowerCase()
          .replace('_', '.'), Files.size(archive), FileManifest.rootHash(files), files, uploadedBy);
      store.put(StoreKeys.compendiumArchive(id), archive, format.contentType());
      byte[] meta = JSON.writeValueAsBytes(compendium);
      store.put(metaKey(id), new ByteArrayInputStream(meta), meta.length, "application/json");
      return id;
    } finally {
      FileSystemUtils.deleteRecursively(scratch);
    }
  }

  public Compendium get(String id) {
    if (!Ids.isValid(id)) {
      throw ApiException.notFound("no compendium with id " + id);
    }
    try (InputStream in = store.open(metaKey(id))
        .orElseThrow(() -> ApiException.notFound("no compendium with id " + id))) {
      return JSON.readValue(in, Compendium.class);
    } catch (IOException e) {
      throw new IllegalStateException("the metadata of compendium " + id + " is unreadable", e);
    }
  }

  /**
   * The compendium, when the caller may read it: auditors and operators read all, submitters those they uploaded
   * (all of them when submitters may see all jobs); any other is a 404 like an unknown id.
   */
  public Compendium get(io.reprise.api.auth.Caller caller, String id, boolean submittersSeeAll) {
    Compendium compendium = get(id);
    if (!caller.readsAll() && !submittersSeeAll && !caller.owns(compendium.uploadedBy())) {
      throw ApiException.notFound("no compendium with id " + id);
    }
    return compendium;
  }

  public boolean exists(String compendiumId) {
    return Ids.isValid(compendiumId) && store.stat(StoreKeys.compendiumArchive(compendiumId)).isPresent();
  }

  private static String metaKey(String id) {
    return "compendia/" + id + "/compendium.json";
  }
}
