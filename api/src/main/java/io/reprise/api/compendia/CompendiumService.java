package io.reprise.api.compendia;

import io.reprise.activities.compendia.ArchiveFormat;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.api.Ids;
import io.reprise.api.web.ApiException;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.multipart.MultipartFile;

/** Compendia as stored archives. The archive's safety is checked again by validate, where it is unpacked. */
@Service
public class CompendiumService {

  private final ArtifactStore store;

  public CompendiumService(ArtifactStore store) {
    this.store = store;
  }

  public String store(MultipartFile archive) throws IOException {
    if (archive.isEmpty()) {
      throw ApiException.badRequest("the compendium archive is empty");
    }
    ArchiveFormat format;
    try (InputStream head = archive.getInputStream()) {
      format = ArchiveFormat.sniff(head.readNBytes(4)).orElseThrow(() -> new ApiException(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE, "the compendium must be a zip or tar.gz archive"));
    }
    String id = Ids.newId();
    try (InputStream data = archive.getInputStream()) {
      store.put(StoreKeys.compendiumArchive(id), data, archive.getSize(), format.contentType());
    }
    return id;
  }

  public boolean exists(String compendiumId) {
    return Ids.isValid(compendiumId) && store.stat(StoreKeys.compendiumArchive(compendiumId)).isPresent();
  }
}
