package io.reprise.api.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.storage.MemoryArtifactStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenCliTest {

  private final TokenStore tokens = new TokenStore(new MemoryArtifactStore(), Duration.ZERO);
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return TokenCli.run(List.of(args), () -> tokens, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void mintingPrintsTheTokenAndNothingElse() {
    assertEquals(0, run("--user", "ada", "--role", "auditor"));
    String printed = out();
    assertTrue(printed.matches("rpr_[A-Za-z0-9_-]{43}\n"), printed);
    assertEquals("", err.toString(StandardCharsets.UTF_8));
    assertTrue(tokens.verify(printed.strip()).isPresent());
  }

  @Test
  void listingShowsIdsUsersAndRolesButNoTokenAndRevokingByIdWorks() {
    run("--role", "operator", "--user", "root");
    String token = out().strip();
    assertEquals(0, run("list"));
    String listing = out();
    assertFalse(listing.contains(token.substring(4)), listing);
    assertFalse(listing.contains(TokenStore.hash(token)), listing);
    String id = listing.lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];
    assertTrue(listing.contains(" root ") && listing.contains(" operator "), listing);

    assertEquals(0, run("revoke", id));
    assertTrue(tokens.verify(token).isEmpty());
    assertEquals(1, run("revoke", "ffffffffffff"));
  }

  @Test
  void anUnknownRoleOrAMissingOptionIsAUsageErrorOnStderr() {
    assertEquals(2, run("--user", "ada", "--role", "admin"));
    assertEquals("", out());
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown role 'admin'; roles are submitter, auditor, "
        + "operator"));
    assertEquals(2, run("--user", "ada"));
    assertEquals(2, run("--user", "ada", "--role"));
    assertEquals(2, run());
    assertEquals("", out());
  }
}
