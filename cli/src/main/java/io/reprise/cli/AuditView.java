package io.reprise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/**
 * How an audit reads: a progress bar from {@code progress.total} and {@code ended}, then the rate, the verdicts and
 * a row per job. Watching polls the audit once a second (audits have no event stream): on a terminal the bar is
 * redrawn in place, elsewhere a line is printed when the count of ended jobs changes.
 */
final class AuditView {

  private static final long POLL_MILLIS = 1000;

  private AuditView() {}

  /** Follows the audit to its end, prints it, and answers 0 when every audited job reproduced, else 1. */
  static int watchAndShow(Api api, Common common, String audit) throws InterruptedException {
    String path = "/api/v1/audit/" + Api.segment(audit);
    boolean live = !common.json && common.context().terminal();
    Style style = common.json ? Style.of("never", false, null) : common.style();
    PrintStream progress = common.json ? common.err() : common.out();
    int lastEnded = -1;
    JsonNode report;
    while (true) {
      report = api.get(path);
      int ended = report.path("progress").path("ended").asInt();
      int total = report.path("progress").path("total").asInt();
      boolean running = "running".equals(report.path("status").asText());
      if (live) {
        progress.print("\r\u001B[2K" + bar(ended, total, 30, style));
        if (!running) {
          progress.println();
        }
      } else if (ended != lastEnded) {
        progress.println(bar(ended, total, 30, style));
      }
      progress.flush();
      lastEnded = ended;
      if (!running) {
        break;
      }
      Thread.sleep(POLL_MILLIS);
    }
    if (common.json) {
      common.printJson(report);
    } else {
      print(report, style, common.out());
    }
    return allReproduced(report) ? Reprise.OK : Reprise.FAILED;
  }

  /**
   * The audit ended as done (not cancelled or failed) and every audited job reproduced: a rate of 100%. Skipped jobs
   * (a failed original, no outputs to compare) are listed with their reason but, as in the rate, not counted; an
   * audit that audited nothing did not show reproducibility.
   */
  static boolean allReproduced(JsonNode report) {
    int audited = report.path("audited").asInt();
    return "done".equals(report.path("status").asText()) && audited > 0
        && report.path("reproduced").asInt() == audited;
  }

  /** "[#########.........]  3/9 ended", in ASCII so any terminal and log shows it. */
  static String bar(int ended, int total, int width, Style style) {
    int filled = total <= 0 ? 0 : (int) Math.round((double) width * Math.min(ended, total) / total);
    return "[" + style.green("#".repeat(filled)) + ".".repeat(width - filled) + "]  " + ended + "/" + total
        + " ended";
  }

  static void print(JsonNode report, Style style, PrintStream out) {
    JsonNode progress = report.path("progress");
    out.println(style.bold("audit " + Clean.line(report.path("id").asText())) + "  "
        + style.status(report.path("status").asText()));
    out.println("  " + bar(progress.path("ended").asInt(), progress.path("total").asInt(), 30, style));
    if (report.hasNonNull("reproducibility_rate")) {
      JsonNode interval = report.path("reproducibility_interval");
      out.println("  rate: " + String.format("%.0f%%", 100 * report.path("reproducibility_rate").asDouble())
          + (report.hasNonNull("result") ? " (" + Clean.line(report.path("result").asText()) + ")" : "")
          + (interval.hasNonNull("low") && interval.hasNonNull("high") ? String.format(
              "; 95%% interval %.0f%% to %.0f%%", 100 * interval.path("low").asDouble(),
              100 * interval.path("high").asDouble()) : ""));
    }
    if (report.path("verdicts").size() > 0) {
      StringBuilder verdicts = new StringBuilder();
      report.path("verdicts").fields().forEachRemaining(entry -> verdicts.append(verdicts.length() == 0 ? "" : ", ")
          .append(style.status(entry.getKey())).append(' ').append(entry.getValue().asInt()));
      out.println("  verdicts: " + verdicts);
    }
    for (String who : new String[] {"user", "started_by", "cancelled_by"}) {
      if (report.hasNonNull(who)) {
        out.println("  " + who.replace('_', ' ') + ": " + Clean.line(report.path(who).asText()));
      }
    }
    if (report.path("jobs").size() > 0) {
      Table table = new Table("job", "rerun", "verdict", "detail");
      for (JsonNode job : report.path("jobs")) {
        // What did not match, or, for a job that was not compared, why.
        StringBuilder detail = new StringBuilder();
        for (JsonNode mismatch : job.path("mismatches")) {
          detail.append(detail.length() == 0 ? "" : "; ").append(Clean.line(mismatch.asText()));
        }
        if (detail.length() == 0 && !"reproduced".equals(job.path("verdict").asText())) {
          detail.append(Clean.line(job.path("text").asText("")));
        }
        table.row(Clean.line(job.path("job_id").asText()), Clean.line(job.path("rerun_job_id").asText("-")),
            style.status(job.path("verdict").asText()), detail.toString());
      }
      out.println();
      out.print(table.render());
    }
  }
}
