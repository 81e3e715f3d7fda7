package io.reprise.api.compendia;

import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@RequestMapping("/api/v1/compendium")
class CompendiumController {

  private final CompendiumService compendia;

  CompendiumController(CompendiumService compendia) {
    this.compendia = compendia;
  }

  /** Stores an uploaded zip or tar.gz archive and answers its id. */
  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, String> upload(@RequestPart("compendium") MultipartFile archive) throws IOException {
    return Map.of("id", compendia.store(archive));
  }
}
