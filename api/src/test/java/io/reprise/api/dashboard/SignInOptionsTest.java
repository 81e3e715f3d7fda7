package io.reprise.api.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.reprise.api.auth.AuthProperties;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard's provider sign-in from a discovery document served on loopback, with a clock the test moves. */
class SignInOptionsTest {

  private HttpServer provider;
  private final AtomicReference<String> document = new AtomicReference<>();
  private final AtomicInteger reads = new AtomicInteger();
  private Instant now = Instant.parse("2026-11-30T00:00:00Z");
  private String issuer;

  @BeforeEach
  void start() throws Exception {
    provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    provider.createContext("/realm/.well-known/openid-configuration", exchange -> {
      reads.incrementAndGet();
      String body = document.get();
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(body == null ? 503 : 200, body == null ? -1 : bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    provider.start();
    issuer = "http://127.0.0.1:" + provider.getAddress().getPort() + "/realm";
  }

  @AfterEach
  void stop() {
    provider.stop(0);
  }

  private SignInOptions options(String issuerUri, String audience, String clientId) {
    Clock clock = new Clock() {
      @Override
      public Instant instant() {
        return now;
      }

      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }
    };
    return new SignInOptions(new AuthProperties.Oidc(issuerUri, null, audience, null, null),
        new DashboardProperties(clientId, null, "Example IdP"), HttpClient.newHttpClient(), clock);
  }

  private String discovery(String authorization, String token) {
    return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + authorization
        + "\",\"token_endpoint\":\"" + token + "\"}";
  }

  @Test
  void withAnIssuerTheEndpointsComeFromItsDiscoveryDocumentAndAreKeptTenMinutes() {
    document.set(discovery(issuer + "/auth", issuer + "/token"));
    SignInOptions options = options(issuer, "reprise", null);
    SignInOptions.Oidc oidc = options.oidc().orElseThrow();
    assertEquals(issuer + "/auth", oidc.authorizationEndpoint());
    assertEquals(issuer + "/token", oidc.tokenEndpoint());
    assertEquals("reprise", oidc.clientId(), "the audience is the client id by default");
    assertEquals("openid", oidc.scope());
    assertEquals("Example IdP", oidc.name());
    now = now.plus(Duration.ofMinutes(9));
    options.oidc();
    assertEquals(1, reads.get(), "read once within ten minutes");
    now = now.plus(Duration.ofMinutes(2));
    options.oidc();
    assertEquals(2, reads.get());
  }

  @Test
  void aProviderThatIsDownOffersNoSignInAndIsAskedAgainAfterFiveSeconds() {
    SignInOptions options = options(issuer, "reprise", "reprise-dashboard");
    assertTrue(options.oidc().isEmpty());
    document.set(discovery(issuer + "/auth", issuer + "/token"));
    now = now.plusSeconds(4);
    assertTrue(options.oidc().isEmpty(), "not asked again yet");
    now = now.plusSeconds(2);
    assertEquals("reprise-dashboard", options.oidc().orElseThrow().clientId());
    assertEquals(2, reads.get());
  }

  @Test
  void endpointsThatAreNoHttpsUrlsOrPlainHttpElsewhereThanLoopbackAreRefused() {
    document.set(discovery("javascript:alert(1)", issuer + "/token"));
    assertTrue(options(issuer, "reprise", null).oidc().isEmpty());
    document.set(discovery(issuer + "/auth", "http://idp.example/token"));
    assertTrue(options(issuer, "reprise", null).oidc().isEmpty());
    document.set(discovery("https://idp.example/auth", "https://idp.example/token"));
    assertEquals("https://idp.example/token", options(issuer, "reprise", null).oidc().orElseThrow().tokenEndpoint());
  }

  @Test
  void aDocumentOfAnotherIssuerIsRefused() {
    document.set(discovery(issuer + "/auth", issuer + "/token").replace("\"issuer\":\"" + issuer,
        "\"issuer\":\"https://other.example"));
    assertTrue(options(issuer, "reprise", null).oidc().isEmpty());
  }

  @Test
  void whileOneCallerWaitsForAHangingProviderTheOthersGetWhatIsKnownAtOnce() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    provider.createContext("/realm/slow/.well-known/openid-configuration", exchange -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] bytes = discovery(issuer + "/auth", issuer + "/token").replace(issuer + "\",", issuer + "/slow\",")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    SignInOptions options = options(issuer + "/slow", "reprise", null);
    AtomicReference<Optional<SignInOptions.Oidc>> first = new AtomicReference<>();
    Thread reader = new Thread(() -> first.set(options.oidc()));
    reader.start();
    entered.await();
    // The provider holds the first caller; a second one is answered without waiting for it.
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertTrue(options.oidc().isEmpty()));
    assertTrue(options.known().isEmpty());
    release.countDown();
    reader.join();
    assertEquals(issuer + "/auth", first.get().orElseThrow().authorizationEndpoint());
    assertEquals(issuer + "/auth", options.known().orElseThrow().authorizationEndpoint());
  }

  @Test
  void withoutAnIssuerOrAClientIdThereIsNoProviderSignIn() {
    document.set(discovery(issuer + "/auth", issuer + "/token"));
    assertTrue(options(null, "reprise", null).oidc().isEmpty());
    assertTrue(options(issuer, null, null).oidc().isEmpty());
    assertEquals(0, reads.get());
  }
}
