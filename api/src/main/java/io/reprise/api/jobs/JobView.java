package io.reprise.api.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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
    @JsonProperty("rerun_of") String rerunOf,
    List<String> reruns,
    @JsonProperty("rebuilt_image_identical") Boolean rebuiltImageIdentical,
    String user,
    @JsonProperty("submitted_by") String submittedBy,
    @JsonProperty("rerun_by") String rerunBy,
    @JsonProperty("cancelled_by") String cancelledBy,
    Integer priority,
    String created,
    String started,
    String finished,
    String status,
    Map<String, StepView> steps,
    @JsonProperty("execution_order") List<String> executionOrder,
    ExceptionView exception,
    @JsonProperty("image_id") String imageId,
    @JsonProperty("image_digest") String imageDigest,
    @JsonProperty("base_image") String baseImage,
    @JsonProperty("base_image_id") String baseImageId,
    @JsonProperty("exit_code") Integer exitCode,
    io.reprise.workflows.jobs.Provenance provenance,
    io.reprise.workflows.jobs.JobStorage storage,
    List<Result> results,
    FileNode files,
    @JsonProperty("temporal_ui") String temporalUi) {

  /**
   * The infrastructure failure that ended the job: its step, type and message. The stack stays in the workflow's
   * history and the worker's log; a client never sees it.
   */
  public record ExceptionView(String step, String type, String message) {}

  /**
   * One step; {@code details} only with {@code ?steps=all}, which also puts the end of the stored log (at most its
   * last 64 KiB) in the text.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StepView(String status, String start, String end, String text, Map<String, Object> details) {}

  /** A stored file of the job: its path below the job, size, and the URL that streams it. */
  public record FileView(String path, long size, String url) {}

  /**
   * The job's stored files as a tree, as o2r shows them: folders have children, files have a size and the URL of
   * the data endpoint that streams them.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FileNode(String name, String path, String type, Long size, String url, List<FileNode> children) {

    public static FileNode of(String jobId, List<FileView> files) {
      Folder root = new Folder();
      for (FileView file : files) {
        Folder folder = root;
        String[] parts = file.path().split("/");
        for (int i = 0; i < parts.length - 1; i++) {
          folder = folder.folders.computeIfAbsent(parts[i], name -> new Folder());
        }
        folder.files.put(parts[parts.length - 1], file);
      }
      return root.node(jobId, "");
    }

    private static final class Folder {
      final java.util.TreeMap<String, Folder> folders = new java.util.TreeMap<>();
      final java.util.TreeMap<String, FileView> files = new java.util.TreeMap<>();

      FileNode node(String name, String path) {
        List<FileNode> children = new java.util.ArrayList<>();
        folders.forEach((child, folder) -> children.add(folder.node(child, path.isEmpty() ? child : path + "/" + child)));
        files.forEach((child, file) -> children.add(
            new FileNode(child, file.path(), "file", file.size(), file.url(), null)));
        return new FileNode(name, path, "directory", null, null, children);
      }
    }
  }

  /**
   * One result of the job: its type (EXIT_CODE, LOG, OUTPUT_MANIFEST, IMAGE), its data (a value, or links to
   * data too large to inline), and metadata that links it back to its job and compendium.
   */
  public record Result(String resultType, Object data, Map<String, Object> metadata) {}
}
