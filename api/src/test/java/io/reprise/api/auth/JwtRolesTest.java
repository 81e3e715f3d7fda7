package io.reprise.api.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

class JwtRolesTest {

  private static Jwt jwt(Map<String, Object> claims) {
    Jwt.Builder builder = Jwt.withTokenValue("t").header("alg", "RS256").subject("sub-1")
        .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60));
    claims.forEach(builder::claim);
    return builder.build();
  }

  @Test
  void aNestedClaimPathFindsKeycloaksRealmRolesAndTheHighestWins() {
    JwtRoles roles = new JwtRoles("realm_access.roles", "preferred_username");
    var authentication = roles.convert(jwt(Map.of("preferred_username", "ada",
        "realm_access", Map.of("roles", List.of("offline_access", "submitter", "auditor")))));
    assertEquals("ada", authentication.getName());
    assertEquals(List.of(new SimpleGrantedAuthority("ROLE_AUDITOR")), List.copyOf(authentication.getAuthorities()));
  }

  @Test
  void aTextClaimIsSplitAndTheSubjectStandsInForAMissingUser() {
    JwtRoles roles = new JwtRoles("scope_roles", "preferred_username");
    var authentication = roles.convert(jwt(Map.of("scope_roles", "read operator")));
    assertEquals("sub-1", authentication.getName());
    assertEquals(new Caller("sub-1", Role.OPERATOR), Caller.of(authentication));
  }

  @Test
  void noKnownRoleGivesNoAuthorityAndAnUnusableNameIsRefused() {
    JwtRoles roles = new JwtRoles("roles", "preferred_username");
    assertEquals(List.of(), List.copyOf(roles.convert(jwt(Map.of("roles", List.of("admin")))).getAuthorities()));
    assertEquals(List.of(), List.copyOf(roles.convert(jwt(Map.of())).getAuthorities()));
    assertThrows(InvalidBearerTokenException.class,
        () -> roles.convert(jwt(Map.of("preferred_username", "a b", "roles", List.of("operator")))));
  }
}
