package io.reprise.api.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

/** What a JWT with a good signature must also carry: the audience always, the issuer when one is set. */
class JwtValidationTest {

  private static final String ISSUER = "http://127.0.0.1:1/realms/r";
  private static final String KEYS = "http://127.0.0.1:1/realms/r/certs";

  private static Jwt jwt(String issuer, List<String> audience) {
    Jwt.Builder builder = Jwt.withTokenValue("t").header("alg", "RS256").subject("sub-1")
        .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60)).audience(audience);
    if (issuer != null) {
      builder.issuer(issuer);
    }
    return builder.build();
  }

  private static boolean passes(OAuth2TokenValidator<Jwt> validator, Jwt jwt) {
    return !validator.validate(jwt).hasErrors();
  }

  @Test
  void aJwtForAnotherAudienceIsRefusedWithAnIssuerOrWithOnlyAKeySet() {
    for (AuthProperties.Oidc oidc : List.of(new AuthProperties.Oidc(ISSUER, KEYS, "reprise", null, null),
        new AuthProperties.Oidc(null, KEYS, "reprise", null, null))) {
      OAuth2TokenValidator<Jwt> validator = SecurityConfiguration.jwtValidator(oidc);
      assertTrue(passes(validator, jwt(ISSUER, List.of("account", "reprise"))), oidc.toString());
      assertFalse(passes(validator, jwt(ISSUER, List.of("grafana"))), oidc.toString());
      assertFalse(passes(validator, jwt(ISSUER, List.of())), oidc.toString());
    }
    OAuth2TokenValidator<Jwt> withIssuer = SecurityConfiguration.jwtValidator(new AuthProperties.Oidc(ISSUER, KEYS,
        "reprise", null, null));
    assertFalse(passes(withIssuer, jwt("http://127.0.0.1:1/realms/other", List.of("reprise"))));
  }

  @Test
  void jwtsWithoutAnAudienceRefuseToStartNamingTheSetting() {
    for (AuthProperties.Oidc oidc : List.of(new AuthProperties.Oidc(ISSUER, null, null, null, null),
        new AuthProperties.Oidc(null, KEYS, " ", null, null))) {
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> SecurityConfiguration.jwtValidator(oidc));
      assertTrue(refused.getMessage().contains("REPRISE_OIDC_AUDIENCE"), refused.getMessage());
    }
    // JWTs off: nothing is required.
    SecurityConfiguration.requireAudience(new AuthProperties.Oidc(null, null, null, null, null));
  }
}
