package io.reprise.api.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** A job as {@code GET /api/v1/job/{id}} shows it, in the o2r job shape with snake_case keys. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
    String id,
    @JsonProperty("compendium_id") String compendiumId,
    String user,
    String created,
    String status,
    Map<String, StepView> steps,
    @JsonProperty("image_id") String imageId,
    @JsonProperty("exit_code") Integer exitCode,
    List<FileView> files,
    @JsonProperty("temporal_ui") String temporalUi) {

  public record StepView(String status, String start, String end, String text) {}

  /** A stored file of the job: its path below the job, size, and the URL that streams it. */
  public record FileView(String path, long size, String url) {}
}
