package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Audits: re-run past jobs with their recorded images and compare the outputs. {@code start} takes job ids or the
 * job list's filters; {@code show} reads one, and with {@code --watch} follows its progress to the end.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Start an audit of past jobs, or show one (auditors and operators).",
    subcommands = {AuditCommand.Start.class, AuditCommand.Show.class})
final class AuditCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "audit needs 'start' or 'show'");
  }

  /** Starts an audit. */
  @Command(name = "start", mixinStandardHelpOptions = true,
      description = {"Start an audit of the jobs given (--job) or of those the filters find.",
          "Prints the audit's id; with --watch follows it, exit code 1 unless every job reproduced."})
  static final class Start implements Callable<Integer> {

    @Mixin
    Common common;

    @Option(names = "--job", paramLabel = "ID", split = ",", description = "Jobs to audit (repeat, or commas).")
    List<String> jobs;

    @Option(names = "--compendium", paramLabel = "ID", split = ",", description = "Filter: jobs on these "
        + "compendia.")
    List<String> compendia;

    @Option(names = "--status", paramLabel = "STATUS", description = "Filter: success, failure or running.",
        completionCandidates = JobsCommand.Statuses.class)
    String status;

    @Option(names = "--user", paramLabel = "USER", description = "Filter: jobs run on behalf of this user.")
    String user;

    @Option(names = "--limit", paramLabel = "N", description = "At most this many jobs of the filter.")
    Integer limit;

    @Option(names = "--parallelism", paramLabel = "N", description = "Re-runs at once.")
    Integer parallelism;

    @Option(names = "--rebuild", description = "Rebuild each image instead of reusing the recorded one.")
    boolean rebuild;

    @Option(names = "--priority", paramLabel = "1-5", description = "The audit's priority.")
    Integer priority;

    @Option(names = "--watch", description = "Follow the audit to its end.")
    boolean watch;

    @Override
    public Integer call() throws InterruptedException {
      boolean filtered = compendia != null || status != null || user != null;
      if ((jobs == null) == !filtered) {
        throw new CliException(jobs == null ? "give --job IDs, or a filter (--compendium, --status, --user)"
            : "give either --job IDs or filters, not both");
      }
      if (jobs != null && limit != null) {
        throw new CliException("--limit goes with filters, not with --job");
      }
      ObjectNode body = Api.JSON.createObjectNode();
      if (jobs != null) {
        jobs.forEach(body.putArray("job_ids")::add);
      } else {
        ObjectNode filter = body.putObject("filter");
        if (compendia != null) {
          compendia.forEach(filter.putArray("compendium_id")::add);
        }
        if (status != null) {
          filter.put("status", status);
        }
        if (user != null) {
          filter.put("user", user);
        }
        if (limit != null) {
          body.put("limit", limit);
        }
      }
      if (parallelism != null) {
        body.put("parallelism", parallelism);
      }
      if (rebuild) {
        body.put("rebuild", true);
      }
      if (priority != null) {
        body.put("priority", priority);
      }
      Api api = common.api();
      JsonNode started = api.postJson("/api/v1/audit", body);
      String audit = started.path("audit_id").asText();
      if (!watch) {
        if (common.json) {
          common.printJson(started);
        } else {
          common.out().println(Clean.line(audit) + " (" + started.path("jobs").asInt() + " jobs)");
        }
        return Reprise.OK;
      }
      (common.json ? common.err() : common.out()).println("audit " + Clean.line(audit) + ": "
          + started.path("jobs").asInt() + " jobs");
      return AuditView.watchAndShow(api, common, audit);
    }
  }

  /** Shows an audit, optionally following it. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = {"Show an audit: progress, reproducibility rate, verdicts and each job's row.",
          "With --watch, follow it to its end; exit code 1 unless every job reproduced."})
  static final class Show implements Callable<Integer> {

    @Mixin
    Common common;

    @Parameters(paramLabel = "AUDIT", description = "The audit's id.")
    String audit;

    @Option(names = "--watch", description = "Follow the audit to its end.")
    boolean watch;

    @Override
    public Integer call() throws InterruptedException {
      Api api = common.api();
      if (watch) {
        return AuditView.watchAndShow(api, common, audit);
      }
      JsonNode report = api.get("/api/v1/audit/" + Api.segment(audit));
      if (common.json) {
        common.printJson(report);
      } else {
        AuditView.print(report, common.style(), common.out());
      }
      return Reprise.OK;
    }
  }
}
