package io.reprise.api.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reprise.activities.storage.MemoryArtifactStore;
import io.reprise.activities.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenStoreTest {

  private final MemoryArtifactStore store = new MemoryArtifactStore();

  /** A clock the test moves by hand. */
  static final class Hand extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private String content(String key) throws IOException {
    try (InputStream in = store.open(key).orElseThrow()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aMintedTokenHas256RandomBitsAndOnlyItsHashIsStored() throws Exception {
    TokenStore tokens = new TokenStore(store, Duration.ZERO);
    TokenStore.Minted minted = tokens.mint("alice", "submitter");
    TokenStore.Minted other = tokens.mint("alice", "submitter");

    assertTrue(minted.token().matches("rpr_[A-Za-z0-9_-]{43}"), minted.token());
    assertFalse(minted.token().equals(other.token()));
    List<StoredObject> objects = store.list("auth/tokens/");
    assertEquals(2, objects.size());
    String key = "auth/tokens/" + TokenStore.hash(minted.token()) + ".json";
    assertTrue(objects.stream().anyMatch(object -> object.key().equals(key)), objects.toString());
    for (StoredObject object : objects) {
      String stored = content(object.key());
      assertFalse(stored.contains(minted.token().substring(4)), "the token itself is never stored: " + stored);
      assertFalse(stored.contains(other.token().substring(4)), stored);
    }
    assertEquals(Optional.of(new Caller("alice", Role.SUBMITTER)), tokens.verify(minted.token()));
  }

  @Test
  void anUnknownRoleOrUserIsRefusedWithTheNamesThatExist() {
    TokenStore tokens = new TokenStore(store, Duration.ZERO);
    IllegalArgumentException role = assertThrows(IllegalArgumentException.class, () -> tokens.mint("a", "admin"));
    assertEquals("unknown role 'admin'; roles are submitter, auditor, operator", role.getMessage());
    assertThrows(IllegalArgumentException.class, () -> tokens.mint("a b", "operator"));
    assertTrue(store.list("auth/").isEmpty());
  }

  @Test
  void unknownRevokedAndForgedTokensAreAllRefused() {
    Hand clock = new Hand();
    TokenStore tokens = new TokenStore(store, Duration.ofSeconds(5), clock);
    TokenStore.Minted minted = tokens.mint("bob", "auditor");
    assertTrue(tokens.verify(minted.token()).isPresent());

    TokenStore.TokenInfo revoked = tokens.revoke(minted.id(), "root").orElseThrow();
    assertEquals("bob", revoked.user());
    assertEquals("root", revoked.revokedBy());

    // This instance forgets it at once; the listing shows when it was revoked.
    assertEquals(Optional.empty(), tokens.verify(minted.token()));
    assertEquals("2026-01-01T00:00:00Z", tokens.list().get(0).revokedAt());
    assertEquals(Optional.empty(), tokens.verify("rpr_" + "A".repeat(43)));
    assertEquals(Optional.empty(), tokens.verify("rpr_short"));
    assertEquals(Optional.empty(), tokens.verify("Bearer " + minted.token()));
    assertEquals(Optional.empty(), tokens.revoke("ffffffffffff"));
    assertEquals(Optional.empty(), tokens.revoke("../../x"));
  }

  @Test
  void anotherInstanceSeesARevocationWhenItsCacheRunsOut() {
    Hand clock = new Hand();
    TokenStore api = new TokenStore(store, Duration.ofSeconds(5), clock);
    TokenStore shell = new TokenStore(store, Duration.ZERO, clock);
    TokenStore.Minted minted = shell.mint("carol", "operator");
    assertTrue(api.verify(minted.token()).isPresent());

    shell.revoke(minted.id());

    clock.now = clock.now.plusSeconds(4);
    assertTrue(api.verify(minted.token()).isPresent(), "still cached");
    clock.now = clock.now.plusSeconds(2);
    assertEquals(Optional.empty(), api.verify(minted.token()));
  }

  @Test
  void aRecordStoredUnderAnotherHashLetsNobodyIn() {
    TokenStore tokens = new TokenStore(store, Duration.ZERO);
    TokenStore.Minted minted = tokens.mint("dave", "operator");
    String token = "rpr_" + "C".repeat(43);
    byte[] copy = store.open("auth/tokens/" + TokenStore.hash(minted.token()) + ".json").map(in -> {
      try (in) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).orElseThrow();
    store.put("auth/tokens/" + TokenStore.hash(token) + ".json", new ByteArrayInputStream(copy), copy.length,
        "application/json");

    assertEquals(Optional.empty(), tokens.verify(token));
  }
}
