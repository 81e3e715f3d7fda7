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
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the dashboard may sign a user in: always with a Reprise token, and with the organisation's identity provider
 * when the API trusts an issuer and knows the dashboard's client id. The provider's endpoints come from its
 * discovery document, read at most every ten minutes, which must name the configured issuer.
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
  private final AtomicBoolean reading = new AtomicBoolean();
  private volatile Optional<Oidc> known = Optional.empty();
  private volatile Instant validUntil = Instant.MIN;

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

  private String clientId() {
    return dashboard.oidcClientId() != null ? dashboard.oidcClientId() : oidc.audience();
  }

  /**
   * The provider sign-in, or empty when there is none. When the document is due, one caller reads it while every
   * other caller gets what is known at once: a provider that hangs holds up one request, never all of them.
   * A provider that cannot be read keeps what was read before, and is asked again 5 s after the attempt ended.
   */
  public Optional<Oidc> oidc() {
    String clientId = clientId();
    if (oidc.issuerUri() == null || clientId == null) {
      return Optional.empty();
    }
    if (clock.instant().isBefore(validUntil) || !reading.compareAndSet(false, true)) {
      return known;
    }
    try {
      known = Optional.of(discover(clientId));
      validUntil = clock.instant().plus(KEEP);
    } catch (Exception e) {
      log.warn("The dashboard offers no sign-in with the identity provider for now: its discovery document at {} "
          + "could not be read ({})", discoveryUri(), e.getMessage());
      validUntil = clock.instant().plus(RETRY);
    } finally {
      reading.set(false);
    }
    return known;
  }

  /** What is known now, without asking the provider: for the headers of every page. */
  public Optional<Oidc> known() {
    return clientId() == null || oidc.issuerUri() == null ? Optional.empty() : known;
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
    if (!oidc.issuerUri().equals(document.path("issuer").asText())) {
      throw new IllegalStateException("it names the issuer " + document.path("issuer").asText()
          + ", not the configured one");
    }
    return new Oidc(dashboard.oidcName(), oidc.issuerUri(), endpoint(document, "authorization_endpoint"),
        endpoint(document, "token_endpoint"), clientId, dashboard.oidcScope());
  }

  /**
   * An endpoint of the document: an absolute https URL, or plain http on a loopback host (a provider on the same
   * machine, as in the tests); otherwise the document is not used. The code and the token travel through these.
   */
  private static String endpoint(JsonNode document, String name) {
    String value = document.path(name).asText("");
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(name + " is not a URL");
    }
    String host = uri.getHost();
    boolean loopback = host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
    if (host == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()) && loopback)) {
      throw new IllegalStateException(name + " is not an https URL");
    }
    return value;
  }
}
