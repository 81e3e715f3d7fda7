package io.reprise.api.compendia;

import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import io.reprise.api.auth.Caller;
import io.reprise.api.jobs.JobListing;
import io.reprise.api.jobs.JobService;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@RequestMapping("/api/v1/compendium")
class CompendiumController {

  private final CompendiumService compendia;
  private final JobListing listing;
  private final JobService jobs;

  CompendiumController(CompendiumService compendia, JobListing listing, JobService jobs) {
    this.compendia = compendia;
    this.listing = listing;
    this.jobs = jobs;
  }

  /** The compendium's files with their SHA-256, its creation date, its content hash and who uploaded it. */
  @GetMapping({"/{id}", "/{id}/"})
  CompendiumService.Compendium get(@PathVariable String id) {
    return compendia.get(Caller.current(), id, jobs.submittersSeeAll());
  }

  /**
   * The jobs run on the compendium, as the job list shows them: {"results": [...]}; a submitter sees only their
   * own among them, unless submitters may see all.
   */
  @GetMapping("/{id}/jobs")
  JobListing.Page jobs(@PathVariable String id, @RequestParam(name = "limit", required = false) String limit,
      @RequestParam(name = "cursor", required = false) String cursor,
      @RequestParam(name = "fields", required = false) String fields) {
    Caller caller = Caller.current();
    compendia.get(caller, id, jobs.submittersSeeAll());
    String user = caller.readsAll() || jobs.submittersSeeAll() ? null : caller.user();
    return listing.list(new JobListing.Query(limit, null, cursor, id, null, user, fields));
  }

  /** Stores an uploaded zip or tar.gz archive as the caller's and answers its id. */
  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, String> upload(@RequestPart("compendium") MultipartFile archive) throws IOException {
    return Map.of("id", compendia.store(archive, Caller.current().user()));
  }
}
