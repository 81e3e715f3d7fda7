package io.reprise.api.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Reprise's own bearer tokens. A token is {@code rpr_} and 43 characters of base64url: 256 random bits from
 * SecureRandom. It is shown once, when it is minted; the store keeps only its SHA-256, under
 * {@code auth/tokens/<sha256>.json} in the instance's bucket, with a short public id, the user, the role and the
 * times it was created and revoked. Verifying hashes the token presented and reads that one object; a verified
 * token is remembered for a few seconds (the cache setting), so a revocation takes effect within that time, and at
 * once on the API instance that revoked it.
 */
public final class TokenStore {

  public static final String PREFIX = "rpr_";
  static final String FOLDER = "auth/tokens/";
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final Pattern TOKEN = Pattern.compile("rpr_[A-Za-z0-9_-]{43}");
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern ID = Pattern.compile("[0-9a-f]{12}");
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final int MAX_CACHED = 10_000;

  private final ArtifactStore store;
  private final Clock clock;
  private final Duration cacheFor;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public TokenStore(ArtifactStore store, Duration cacheFor) {
    this(store, cacheFor, Clock.systemUTC());
  }

  TokenStore(ArtifactStore store, Duration cacheFor, Clock clock) {
    this.store = store;
    this.cacheFor = cacheFor;
    this.clock = clock;
  }

  /** What is stored for a token; the hash is also the object's name. */
  record Stored(String id, @JsonProperty("sha256") String hash, String user, String role,
      @JsonProperty("created_at") String createdAt, @JsonProperty("revoked_at") String revokedAt,
      @JsonProperty("created_by") String createdBy, @JsonProperty("revoked_by") String revokedBy) {}

  /**
   * A token as it is listed: never the token, never its hash. {@code created_by} and {@code revoked_by} name the
   * operator who did it over the API, or {@code shell:<login>} for docker/service token.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TokenInfo(String id, String user, String role, @JsonProperty("created_at") String createdAt,
      @JsonProperty("revoked_at") String revokedAt, @JsonProperty("created_by") String createdBy,
      @JsonProperty("revoked_by") String revokedBy) {}

  /** A newly minted token: the only time the token itself is seen. */
  public record Minted(String id, String token, String user, String role) {}

  private record Cached(Stored stored, Instant until) {}

  public static boolean isValidUser(String user) {
    return user != null && USER.matcher(user).matches();
  }

  /** Mints a token for the user and role; refuses an unusable user name or an unknown role. */
  public Minted mint(String user, String roleName) {
    return mint(user, roleName, null);
  }

  /** As {@link #mint(String, String)}, recording who minted it. */
  public Minted mint(String user, String roleName, String by) {
    if (!isValidUser(user)) {
      throw new IllegalArgumentException("user must be 1 to 64 letters, digits and . _ @ -");
    }
    Role role = Role.parse(roleName);
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    byte[] idBytes = new byte[6];
    random.nextBytes(idBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String hash = hash(token);
    write(new Stored(id, hash, user, role.wireName(), clock.instant().toString(), null, by, null));
    return new Minted(id, token, user, role.wireName());
  }

  /** Every token minted, oldest first. */
  public List<TokenInfo> list() {
    List<TokenInfo> tokens = new ArrayList<>();
    for (StoredObject object : store.list(FOLDER)) {
      read(object.key()).ifPresent(stored -> tokens.add(info(stored)));
    }
    tokens.sort(Comparator.comparing(TokenInfo::createdAt).thenComparing(TokenInfo::id));
    return tokens;
  }

  /**
   * Revokes the token with that public id; revoking twice keeps the first time. Empty when no token has that id.
   */
  public Optional<TokenInfo> revoke(String id) {
    return revoke(id, null);
  }

  /** As {@link #revoke(String)}, recording who revoked it. */
  public Optional<TokenInfo> revoke(String id, String by) {
    if (id == null || !ID.matcher(id).matches()) {
      return Optional.empty();
    }
    for (StoredObject object : store.list(FOLDER)) {
      Optional<Stored> found = read(object.key()).filter(stored -> stored.id().equals(id));
      if (found.isPresent()) {
        Stored stored = found.get();
        if (stored.revokedAt() == null) {
          stored = new Stored(stored.id(), stored.hash(), stored.user(), stored.role(), stored.createdAt(),
              clock.instant().toString(), stored.createdBy(), by);
          write(stored);
        }
        cache.remove(stored.hash());
        return Optional.of(info(stored));
      }
    }
    return Optional.empty();
  }

  /**
   * The caller a token stands for; empty for anything that is not a live Reprise token, unknown and revoked alike.
   */
  public Optional<Caller> verify(String token) {
    if (token == null || !TOKEN.matcher(token).matches()) {
      return Optional.empty();
    }
    String hash = hash(token);
    Instant now = clock.instant();
    Cached cached = cache.get(hash);
    Stored stored;
    if (cached != null && now.isBefore(cached.until())) {
      stored = cached.stored();
    } else {
      Optional<Stored> read = read(FOLDER + hash + ".json");
      if (read.isEmpty()) {
        cache.remove(hash);
        return Optional.empty();
      }
      stored = read.get();
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
      cache.put(hash, new Cached(stored, now.plus(cacheFor)));
    }
    // The object's name came from the hash; the comparison of its content with it is constant in time all the same.
    boolean same = MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII),
        String.valueOf(stored.hash()).getBytes(StandardCharsets.US_ASCII));
    if (!same || stored.revokedAt() != null) {
      return Optional.empty();
    }
    Optional<Role> role = Role.find(stored.role());
    if (role.isEmpty() || !isValidUser(stored.user())) {
      return Optional.empty();
    }
    return Optional.of(new Caller(stored.user(), role.get()));
  }

  static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private void write(Stored stored) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(stored);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    store.put(FOLDER + stored.hash() + ".json", new ByteArrayInputStream(bytes), bytes.length, "application/json");
  }

  private Optional<Stored> read(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1);
    if (!name.endsWith(".json") || !HASH.matcher(name.substring(0, name.length() - 5)).matches()) {
      return Optional.empty();
    }
    Optional<InputStream> in = store.open(key);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream stream = in.get()) {
      return Optional.of(JSON.readValue(stream, Stored.class));
    } catch (IOException e) {
      // A damaged record lets nobody in.
      return Optional.empty();
    }
  }

  private static TokenInfo info(Stored stored) {
    return new TokenInfo(stored.id(), stored.user(), stored.role(), stored.createdAt(), stored.revokedAt(),
        stored.createdBy(), stored.revokedBy());
  }
}
