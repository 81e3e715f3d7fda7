package io.reprise.api.dashboard;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the web dashboard, bound from {@code reprise.dashboard.*}.
 *
 * @param oidcClientId the client id the dashboard signs in with at the identity provider (a public client with
 *     PKCE, redirect URI the dashboard's own address); empty: the API's audience, which is that client id in most
 *     providers' set-ups. Sign-in with the provider is offered only when the API has an issuer.
 * @param oidcScope the scopes the dashboard asks for
 * @param oidcName the provider's name on the sign-in button
 */
@ConfigurationProperties("reprise.dashboard")
public record DashboardProperties(String oidcClientId, String oidcScope, String oidcName) {

  public DashboardProperties {
    oidcClientId = oidcClientId == null || oidcClientId.isBlank() ? null : oidcClientId.trim();
    oidcScope = oidcScope == null || oidcScope.isBlank() ? "openid" : oidcScope.trim();
    oidcName = oidcName == null || oidcName.isBlank() ? "your organisation" : oidcName.trim();
  }
}
