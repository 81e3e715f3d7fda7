package io.reprise.workflows.jobs;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * Search attributes kept current on every job workflow so jobs can be listed and filtered through Temporal
 * visibility. docker/stack registers them with the dev server; their names appear in Temporal's UI and CLI.
 */
public final class JobSearchAttributes {
  public static final SearchAttributeKey<String> STATUS = SearchAttributeKey.forKeyword("RepriseStatus");
  public static final SearchAttributeKey<String> COMPENDIUM_ID = SearchAttributeKey.forKeyword("RepriseCompendiumId");
  public static final SearchAttributeKey<String> SUBMITTER = SearchAttributeKey.forKeyword("RepriseSubmitter");
  /** The job a re-run repeats; a job's re-runs are the jobs whose attribute names it. */
  public static final SearchAttributeKey<String> RERUN_OF = SearchAttributeKey.forKeyword("RepriseRerunOf");
  public static final List<SearchAttributeKey<String>> ALL = List.of(STATUS, COMPENDIUM_ID, SUBMITTER, RERUN_OF);

  private JobSearchAttributes() {}
}
