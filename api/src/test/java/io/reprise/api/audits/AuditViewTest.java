package io.reprise.api.audits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.reprise.workflows.audits.AuditSummary;
import io.reprise.workflows.audits.AuditVerdict;
import io.reprise.workflows.audits.AuditedJob;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An audit shows each job's text as the job view does: without the worker's paths. */
class AuditViewTest {

  @Test
  void aFailedJobsTextShowsNoServerPath() {
    AuditSummary summary = new AuditSummary("aaaaaaaaaaaa", "success", "t0", "t1", "auditor", false, 1, 1, 1,
        Map.of("failed", 1), 0, 0, null, 0, 0);
    AuditedJob failed = new AuditedJob(0, "j0b0j0b0j0b0", "r0r0r0r0r0r0", AuditVerdict.FAILED,
        "infrastructure error: could not store /work/main/.state/service/it/work/r0r0r0r0r0r0/work/a", Map.of(),
        List.of(), null, null);

    AuditView view = AuditView.of(summary, null, null, "success", 4, List.of(failed), "http://ui");

    assertEquals("infrastructure error: could not store <path>", view.jobs().get(0).text());
  }
}
