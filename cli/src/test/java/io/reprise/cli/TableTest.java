package io.reprise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void columnsArePaddedToTheWidestCell() {
    String table = new Table("id", "status", "user").row("abc", "success", "alice").row("defghijk", "failure", "b")
        .render();
    assertEquals("""
        ID        STATUS   USER
        abc       success  alice
        defghijk  failure  b
        """, table);
  }

  @Test
  void colourTakesNoRoom() {
    Style colour = new Style(true, true);
    String table = new Table("status", "n").row(colour.status("success"), "1").row("failure", "2").render();
    String[] lines = table.split("\n");
    assertEquals("STATUS   N", lines[0]);
    assertEquals("\u001B[32msuccess\u001B[0m  1", lines[1]);
    assertEquals("failure  2", lines[2]);
  }

  @Test
  void noLineEndsInSpacesAndEmptyCellsAreEmpty() {
    String table = new Table("a", "b").row("x", "").row(null, "y").render();
    assertEquals("A  B\nx\n   y\n", table);
  }

  @Test
  void aRowMustFitTheHeader() {
    assertThrows(IllegalArgumentException.class, () -> new Table("a", "b").row("only one"));
  }

  @Test
  void durationsAndSizesRead() {
    assertEquals("0.4s", Views.duration(java.time.Duration.ofMillis(420)));
    assertEquals("12.3s", Views.duration(java.time.Duration.ofMillis(12_345)));
    assertEquals("2m03s", Views.duration(java.time.Duration.ofSeconds(123)));
    assertEquals("1h02m", Views.duration(java.time.Duration.ofMinutes(62)));
    assertEquals("512 B", Views.size(512));
    assertEquals("1.5 KiB", Views.size(1536));
    assertEquals("2026-11-24 00:20:17", Views.time("2026-11-24T00:20:17.912Z"));
  }

  @Test
  void theAuditBarFillsByEndedJobs() {
    Style plain = new Style(false, false);
    assertEquals("[#####.....]  1/2 ended", AuditView.bar(1, 2, 10, plain));
    assertEquals("[..........]  0/0 ended", AuditView.bar(0, 0, 10, plain));
    assertEquals("[##########]  3/3 ended", AuditView.bar(3, 3, 10, plain));
  }

  @Test
  void aWatchedAuditSucceedsOnlyWhenEveryAuditedJobReproduced() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    assertEquals(true, AuditView.allReproduced(json.readTree(
        "{\"status\":\"done\",\"audited\":2,\"reproduced\":2,\"progress\":{\"total\":3,\"ended\":3}}")));
    assertEquals(false, AuditView.allReproduced(json.readTree("{\"status\":\"done\",\"audited\":5,\"reproduced\":4}")));
    assertEquals(false, AuditView.allReproduced(json.readTree("{\"status\":\"done\",\"audited\":0,\"reproduced\":0}")));
    assertEquals(false, AuditView.allReproduced(json.readTree(
        "{\"status\":\"cancelled\",\"audited\":1,\"reproduced\":1}")));
  }

  @Test
  void diffsAreColouredByLineKind() {
    Style colour = new Style(true, true);
    String diff = CompareCommand.diff("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n same\n", colour);
    String[] lines = diff.split("\n");
    assertEquals("\u001B[1m--- a/x\u001B[0m", lines[0]);
    assertEquals("\u001B[36m@@ -1 +1 @@\u001B[0m", lines[2]);
    assertEquals("\u001B[31m-old\u001B[0m", lines[3]);
    assertEquals("\u001B[32m+new\u001B[0m", lines[4]);
    assertEquals(" same", lines[5]);
    assertEquals("-old\n", CompareCommand.diff("-old\n", new Style(false, false)).substring(0, 5));
  }

  @Test
  void colourOnlyOnATerminalWithoutNoColor() {
    assertEquals(true, Style.of("auto", true, null).color());
    assertEquals(false, Style.of("auto", true, "1").color());
    assertEquals(false, Style.of("auto", false, null).color());
    assertEquals(true, Style.of("always", false, "1").color());
    assertEquals(false, Style.of("never", true, null).color());
  }
}
