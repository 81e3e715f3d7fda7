package io.reprise.workflows.audits;

import java.util.List;

/**
 * What an audit found: its summary and a verdict per job, in the order of the request. The report query answers
 * both; the workflow's result holds only the summary (jobs empty), and the memo holds every job under its own key.
 */
public record AuditReport(AuditSummary summary, List<AuditedJob> jobs) {}
