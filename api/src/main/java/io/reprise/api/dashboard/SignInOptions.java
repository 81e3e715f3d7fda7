package io.reprise.api.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.api.auth.AuthProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the dashboard may sign a user in: always with a Reprise token, and with the organisation's identity provider
 * when the API trusts an issuer and knows the dashboard's client id. The provider's endpoints come from its
 * discovery document, read at most every ten minutes (a provider that is down is asked again after 5 s).
 */
public class SignInOptions {

  private static final Logger log = LoggerFactory.getLogger(SignInOptions.class);
  private static final Duration KEEP = Duration.ofMinutes(10);
  private static final Duration RETRY = Duration.ofSeconds(5);

  /** What the browser needs for an authorization-code sign-in with PKCE. */
  public record Oidc(String name, String issuer, String authorizationEndpoint, String tokenEndpoint, String clientId,
      String scope) {}

  private final AuthProperties.Oidc oidc;
  private final DashboardProperties dashboard;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final Clock clock;
  private Optional<Oidc> known = Optional.empty();
  private Instant validUntil = Instant.MIN;

  public SignInOptions(AuthProperties auth, DashboardProperties dashboard) {
    this(auth.oidc(), dashboard, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
        .followRedirects(HttpClient.Redirect.NEVER).build(), Clock.systemUTC());
  }

  SignInOptions(AuthProperties.Oidc oidc, DashboardProperties dashboard, HttpClient http, Clock clock) {
    this.oidc = oidc;
    this.dashboard = dashboard;
    this.http = http;
    this.clock = clock;
  }

  /** The provider sign-in, or empty when there is none (or its discovery document cannot be read now). */
  public synchronized Optional<Oidc> oidc() {
    String clientId = dashboard.oidcClientId() != null ? dashboard.oidcClientId() : oidc.audience();
    if (oidc.issuerUri() == null || clientId == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (now.isBefore(validUntil)) {
      return known;
    }
    try {
      known = Optional.of(discover(clientId));
      validUntil = now.plus(KEEP);
    } catch (Exception e) {
      log.warn("The dashboard offers no sign-in with the identity provider for now: its discovery document at {} "
          + "could not be read ({})", discoveryUri(), e.getMessage());
      known = Optional.empty();
      validUntil = now.plus(RETRY);
    }
    return known;
  }

  private String discoveryUri() {
    String issuer = oidc.issuerUri();
    return (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
        + "/.well-known/openid-configuration";
  }

  private Oidc discover(String clientId) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(discoveryUri()))
        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("status " + response.statusCode());
    }
    JsonNode document = json.readTree(response.body());
    return new Oidc(dashboard.oidcName(), oidc.issuerUri(), endpoint(document, "authorization_endpoint"),
        endpoint(document, "token_endpoint"), clientId, dashboard.oidcScope());
  }

  /** An endpoint of the document: an absolute http or https URL, or the document is not used. */
  private static String endpoint(JsonNode document, String name) {
    String value = document.path(name).asText("");
    URI uri = URI.create(value);
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalStateException(name + " is not an http(s) URL");
    }
    return value;
  }
}
