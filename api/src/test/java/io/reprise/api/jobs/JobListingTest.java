package io.reprise.api.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.reprise.api.web.ApiException;
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
    JobListing.Cursor cursor = new JobListing.Cursor(ByteString.copyFromUtf8("{\"StartTime\":\"x\"}"), 301);

    JobListing.Cursor back = JobListing.Cursor.decode(cursor.encode());

    assertEquals(cursor, back);
    assertTrue(refused(() -> JobListing.Cursor.decode("%%%")).contains("cursor"));
    assertTrue(refused(() -> JobListing.Cursor.decode("AA")).contains("cursor"));
  }
}
