package io.reprise.workflows.audits;

import java.util.List;

/** What an audit found: its summary and a verdict per job, in the order of the request. */
public record AuditReport(AuditSummary summary, List<AuditedJob> jobs) {}
