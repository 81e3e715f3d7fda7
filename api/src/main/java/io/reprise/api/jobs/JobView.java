package io.reprise.api.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.reprise.workflows.jobs.JobReport;
import java.util.List;
import java.util.Map;

/**
 * A job as {@code GET /api/v1/job/{id}} shows it: the o2r job shape with snake_case keys, results in the shape of
 * Qunicorn's job results, and report fields after Font Bakery's report format.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
    String id,
    @JsonProperty("compendium_id") String compendiumId,
    String user,
    String created,
    String started,
    String finished,
    String status,
    Map<String, StepView> steps,
    @JsonProperty("execution_order") List<String> executionOrder,
    JobReport.ExceptionInfo exception,
    @JsonProperty("image_id") String imageId,
    @JsonProperty("base_image") String baseImage,
    @JsonProperty("base_image_id") String baseImageId,
    @JsonProperty("exit_code") Integer exitCode,
    List<Result> results,
    List<FileView> files,
    @JsonProperty("temporal_ui") String temporalUi) {

  /** One step; {@code details} only with {@code ?steps=all}, which also puts whole logs in the text. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StepView(String status, String start, String end, String text, Map<String, Object> details) {}

  /** A stored file of the job: its path below the job, size, and the URL that streams it. */
  public record FileView(String path, long size, String url) {}

  /**
   * One result of the job: its type (EXIT_CODE, LOG, OUTPUT_MANIFEST, IMAGE), its data (a value, or links to
   * data too large to inline), and metadata that links it back to its job and compendium.
   */
  public record Result(String resultType, Object data, Map<String, Object> metadata) {}
}
