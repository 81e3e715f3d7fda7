package io.reprise.api.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.api.web.ApiException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The list parameters, each accepted and refused as documented, without a server. */
class JobListingTest {

  private static JobListing.Query query(String compendiumIds, String status, String user) {
    return new JobListing.Query(null, null, null, compendiumIds, status, user, null);
  }

  private static String refused(Runnable call) {
    ApiException e = assertThrows(ApiException.class, call::run);
    assertEquals(HttpStatus.BAD_REQUEST, e.status());
    return e.getMessage();
  }

  @Test
  void limitDefaultsToAHundredAndStaysWithinOneToAThousand() {
    assertEquals(100, JobListing.limit(null));
    assertEquals(100, JobListing.limit(" "));
    assertEquals(1000, JobListing.limit("1000"));
    assertEquals(7, JobListing.limit(" 7 "));
    assertTrue(refused(() -> JobListing.limit("0")).contains("between 1 and 1000"));
    assertTrue(refused(() -> JobListing.limit("1001")).contains("between 1 and 1000"));
    assertTrue(refused(() -> JobListing.limit("ten")).contains("whole number"));
  }

  @Test
  void fieldsTolerateSpacesAndEmptyItemsAndRefuseUnknownOnes() {
    assertEquals(List.of(), JobListing.fields(null));
    assertEquals(List.of(), JobListing.fields(""));
    assertEquals(List.of("status", "created"), JobListing.fields(" status, ,created,,status "));
    assertEquals(List.of("user", "compendium_id"), JobListing.fields("user,compendium_id"));
    assertTrue(refused(() -> JobListing.fields("status,colour")).contains("unknown field 'colour'"));
  }

  @Test
  void filtersBecomeOneVisibilityQuery() {
    assertEquals("WorkflowType = 'JobWorkflow'", JobListing.visibilityQuery(query(null, null, null)));
    assertEquals("WorkflowType = 'JobWorkflow' AND RepriseCompendiumId IN ('aaaaaaaaaaaa', 'bbbbbbbbbbbb')"
            + " AND RepriseStatus = 'failure' AND RepriseSubmitter = 'ada@lab'",
        JobListing.visibilityQuery(query("aaaaaaaaaaaa, bbbbbbbbbbbb,", "failure", "ada@lab")));
  }

  @Test
  void filterValuesOutsideTheirAlphabetAreRefusedBeforeAnyQuery() {
    assertTrue(refused(() -> JobListing.visibilityQuery(query(null, "done", null))).contains("status"));
    assertTrue(refused(() -> JobListing.visibilityQuery(query("x' OR 1=1", null, null))).contains("compendium_id"));
    assertTrue(refused(() -> JobListing.visibilityQuery(query(null, null, "o'brien"))).contains("user"));
  }

  @Test
  void cursorsRoundTripAndForeignOnesAreRefused() {
    JobListing.Cursor cursor = new JobListing.Cursor(
        new JobListing.Key(Instant.parse("2026-11-29T19:22:50.041400Z"), "clva10t3un7p"), 301);

    JobListing.Cursor back = JobListing.Cursor.decode(cursor.encode());

    assertEquals(cursor, back);
    assertTrue(refused(() -> JobListing.Cursor.decode("%%%")).contains("cursor"));
    assertTrue(refused(() -> JobListing.Cursor.decode("AA")).contains("cursor"));
    String text = cursor.encode();
    // Another start time: a character in the middle changed.
    int at = text.length() / 2;
    String changed = text.substring(0, at) + (text.charAt(at) == 'A' ? 'B' : 'A') + text.substring(at + 1);
    assertTrue(refused(() -> JobListing.Cursor.decode(changed)).contains("cursor"));
  }

  @Test
  void keysSortNewestFirstThenByIdDescending() {
    Instant t = Instant.parse("2026-11-29T19:22:50.041400Z");
    List<JobListing.Key> keys = new java.util.ArrayList<>(List.of(new JobListing.Key(t, "aaaaaaaaaaaa"),
        new JobListing.Key(t.plusNanos(1000), "aaaaaaaaaaab"), new JobListing.Key(t, "bbbbbbbbbbbb"),
        new JobListing.Key(t.minusSeconds(1), "zzzzzzzzzzzz")));

    java.util.Collections.sort(keys);

    assertEquals(List.of("aaaaaaaaaaab", "bbbbbbbbbbbb", "aaaaaaaaaaaa", "zzzzzzzzzzzz"),
        keys.stream().map(JobListing.Key::workflowId).toList());
  }

  @Test
  void randomBase64IsNotACursor() {
    java.util.Random random = new java.util.Random(7);
    for (int length : new int[] {5, 12, 40, 200}) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      String garbage = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      assertTrue(refused(() -> JobListing.Cursor.decode(garbage)).contains("cursor"), garbage);
    }
    assertTrue(refused(() -> JobListing.Cursor.decode("aGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGEgY3Vyc29y"))
        .contains("cursor"));
  }
}
