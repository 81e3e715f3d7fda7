package io.reprise.api.auth;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of authentication and authorization, bound from {@code reprise.auth.*} (see application.yml for the
 * environment variables).
 *
 * @param mode "on" (the default), or "off" for benchmarks only: every request then acts as an operator
 * @param submittersSeeAll whether submitters may list and read every job, not only their own
 * @param tokenCache how long a verified Reprise token is remembered; a revocation takes at most this long
 * @param failureLimit wrong tokens one client address may present within the window before it gets 429
 * @param failureWindow the window the failures are counted in
 */
@ConfigurationProperties("reprise.auth")
public record AuthProperties(String mode, boolean submittersSeeAll, Duration tokenCache, int failureLimit,
    Duration failureWindow, Oidc oidc) {

  public AuthProperties {
    mode = mode == null || mode.isBlank() ? "on" : mode.trim();
    tokenCache = tokenCache == null ? Duration.ofSeconds(5) : tokenCache;
    failureLimit = failureLimit <= 0 ? 10 : failureLimit;
    failureWindow = failureWindow == null ? Duration.ofMinutes(1) : failureWindow;
    oidc = oidc == null ? new Oidc(null, null, null, null, null) : oidc;
  }

  public boolean off() {
    return mode.equals("off");
  }

  /**
   * JWTs from an OIDC provider: on when an issuer or a JWKS URI is set.
   *
   * @param issuerUri the provider's issuer: JWTs must name it in {@code iss}; without a JWKS URI its keys are found
   *     through its discovery document
   * @param jwksUri where the provider's signing keys are
   * @param audience what JWTs must name in {@code aud}: the client id the provider issues Reprise's tokens for;
   *     required whenever JWTs are on, so a token the provider issued for another application is refused
   * @param rolesClaim the claim that holds the roles, a dotted path into nested objects (realm_access.roles)
   * @param userClaim the claim that names the user; {@code sub} when it is missing
   */
  public record Oidc(String issuerUri, String jwksUri, String audience, String rolesClaim, String userClaim) {

    public Oidc {
      issuerUri = blankToNull(issuerUri);
      jwksUri = blankToNull(jwksUri);
      audience = blankToNull(audience);
      rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? "roles" : rolesClaim.trim();
      userClaim = userClaim == null || userClaim.isBlank() ? "preferred_username" : userClaim.trim();
    }

    public boolean enabled() {
      return issuerUri != null || jwksUri != null;
    }

    private static String blankToNull(String value) {
      return value == null || value.isBlank() ? null : value.trim();
    }
  }
}
