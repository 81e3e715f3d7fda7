package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.reprise.activities.Compendia;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JWTs from an organisation's identity provider, next to Reprise tokens. The test is the provider: it owns an RSA
 * key and serves its public half as a JWKS on 127.0.0.1, where the test instance was told to look (see the pom:
 * the issuer, the JWKS URI, the audience reprise and the Keycloak-style roles claim realm_access.roles).
 */
class OidcIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PORT = Integer.getInteger("reprise.it.jwks.port", 18190);
  private static final String ISSUER = "http://127.0.0.1:" + PORT + "/realms/reprise-it";

  private static HttpServer provider;
  private static RSAKey key;
  private static RSAKey stranger;

  @BeforeAll
  static void anIdentityProviderOnLoopback() throws Exception {
    // A new key id each run: the API may still hold the key set of an earlier run in its cache.
    key = new RSAKeyGenerator(2048).keyID("it-" + UUID.randomUUID()).generate();
    stranger = new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
    byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    provider = HttpServer.create(new InetSocketAddress("127.0.0.1", PORT), 0);
    provider.createContext("/realms/reprise-it/certs", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, jwks.length);
      exchange.getResponseBody().write(jwks);
      exchange.close();
    });
    // The sign-in a browser does (the dashboard's): discovery, an authorization endpoint that signs "oliver" in at
    // once and sends the browser back with a code, and a token endpoint that trades the code, with the PKCE
    // verifier whose SHA-256 was the challenge, for a JWT.
    provider.createContext("/realms/reprise-it/.well-known/openid-configuration", exchange -> {
      byte[] document = JSON.writeValueAsBytes(Map.of("issuer", ISSUER, "authorization_endpoint", ISSUER + "/auth",
          "token_endpoint", ISSUER + "/token", "jwks_uri", ISSUER + "/certs"));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, document.length);
      exchange.getResponseBody().write(document);
      exchange.close();
    });
    provider.createContext("/realms/reprise-it/auth", exchange -> {
      Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
      boolean good = "code".equals(query.get("response_type")) && "reprise".equals(query.get("client_id"))
          && "S256".equals(query.get("code_challenge_method")) && query.get("code_challenge") != null
          && (ApiClient.BASE + "/").equals(query.get("redirect_uri")) && query.get("state") != null;
      if (!good) {
        exchange.sendResponseHeaders(400, -1);
        exchange.close();
        return;
      }
      String code = UUID.randomUUID().toString();
      CODES.put(code, query.get("code_challenge"));
      exchange.getResponseHeaders().add("Location", query.get("redirect_uri") + "?code=" + code + "&state="
          + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    });
    provider.createContext("/realms/reprise-it/token", exchange -> {
      Map<String, String> body = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      String challenge = CODES.remove(String.valueOf(body.get("code")));
      exchange.getResponseHeaders().add("Access-Control-Allow-Origin", ApiClient.BASE);
      byte[] answer;
      int status;
      try {
        String verifier = String.valueOf(body.get("code_verifier"));
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
            MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        if (challenge != null && challenge.equals(expected) && "authorization_code".equals(body.get("grant_type"))
            && "reprise".equals(body.get("client_id"))) {
          answer = JSON.writeValueAsBytes(Map.of("access_token", valid("oliver", List.of("auditor")),
              "token_type", "Bearer", "expires_in", 600));
          status = 200;
        } else {
          answer = JSON.writeValueAsBytes(Map.of("error", "invalid_grant"));
          status = 400;
        }
      } catch (Exception e) {
        throw new java.io.IOException(e);
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    provider.start();
  }

  private static final Map<String, String> CODES = new ConcurrentHashMap<>();

  private static Map<String, String> form(String text) {
    Map<String, String> values = new HashMap<>();
    if (text != null) {
      for (String pair : text.split("&")) {
        int equals = pair.indexOf('=');
        if (equals > 0) {
          values.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }

  @Test
  void theDashboardSignsInWithTheProviderByAuthorizationCodeWithPkce() throws Exception {
    // The API reads the provider's discovery document when asked (again 5 s after it could not); wait until it
    // offers the sign-in.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    JsonNode options;
    do {
      options = JSON.readTree(java.net.http.HttpClient.newHttpClient().send(get("/api/v1/auth/options"),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body());
      if (options.path("oidc").isObject() || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(250);
    } while (true);
    assertEquals(ISSUER + "/auth", options.path("oidc").path("authorization_endpoint").asText(), options.toString());
    assertEquals("reprise", options.path("oidc").path("client_id").asText());

    WebDriver browser = Browsers.chromium();
    try {
      browser.get(ApiClient.BASE + "/");
      new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(
          By.xpath("//button[starts-with(normalize-space(), 'Sign in with')]"))).click();
      new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
          By.cssSelector("[data-user='oliver']")));
      assertTrue(browser.findElement(By.cssSelector(".role")).getText().contains("auditor"));
      assertTrue(browser.findElements(By.linkText("Run")).isEmpty(), "an auditor uploads nothing");
      assertTrue(!browser.findElements(By.linkText("Audits")).isEmpty(), "an auditor audits");
      assertEquals(ApiClient.BASE + "/", browser.getCurrentUrl().replaceAll("#.*", ""), "the code left the URL");
    } finally {
      browser.quit();
    }
  }

  @AfterAll
  static void stop() {
    provider.stop(0);
  }

  private static String jwt(RSAKey signer, String issuer, Instant expires, Map<String, Object> claims)
      throws Exception {
    JWTClaimsSet.Builder set = new JWTClaimsSet.Builder().issuer(issuer).subject("f3a1c2d4-0000-4000-8000-000000000001")
        .audience("reprise").issueTime(new Date()).expirationTime(Date.from(expires));
    claims.forEach(set::claim);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID())
        .type(JOSEObjectType.JWT).build(), set.build());
    jwt.sign(new RSASSASigner(signer));
    return jwt.serialize();
  }

  private static String valid(String user, List<String> roles) throws Exception {
    return jwt(key, ISSUER, Instant.now().plusSeconds(600), Map.of("preferred_username", user,
        "realm_access", Map.of("roles", roles)));
  }

  private static HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(ApiClient.BASE + path)).GET().build();
  }

  @Test
  void aValidJwtActsAsItsUserWithTheHighestKnownRole() throws Exception {
    ApiClient frank = ApiClient.withToken(valid("frank", List.of("offline_access", "submitter")));
    String compendium = frank.uploadCompendium(Compendia.zip(Map.of("Dockerfile", "FROM reprise/busybox\n"
        + "COPY missing.txt /missing.txt\n")));
    String job = frank.send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/api/v1/job"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"compendium_id\": \"" + compendium + "\"}")).build(), 201)
        .get("job_id").asText();
    JsonNode view = frank.view(job);
    assertEquals("frank", view.get("user").asText());
    assertEquals("frank", view.get("submitted_by").asText());
    // A submitter's JWT may not audit; an auditor's (among other roles) may read frank's job.
    assertEquals(403, frank.exchange(get("/api/v1/audit")).statusCode());
    ApiClient grace = ApiClient.withToken(valid("grace", List.of("submitter", "auditor")));
    assertEquals("frank", grace.view(job).get("user").asText());
    assertEquals(200, grace.exchange(get("/api/v1/audit")).statusCode());
    frank.awaitEnd(job);
  }

  @Test
  void withoutTheUserClaimTheSubjectNamesTheUser() throws Exception {
    String token = jwt(key, ISSUER, Instant.now().plusSeconds(600), Map.of("realm_access",
        Map.of("roles", List.of("operator"))));
    JsonNode health = ApiClient.withToken(token).send(get("/api/v1/health"), 200);
    assertEquals("up", health.get("temporal").asText(), "an operator sees the parts");
  }

  @Test
  void aWrongSignatureAnExpiredTokenAnotherIssuerOrAnotherAudienceIs401AndNoKnownRoleIs403() throws Exception {
    List<String> refused = List.of(
        jwt(stranger, ISSUER, Instant.now().plusSeconds(600), Map.of("preferred_username", "mallory",
            "realm_access", Map.of("roles", List.of("operator")))),
        jwt(key, ISSUER, Instant.now().minusSeconds(600), Map.of("preferred_username", "frank",
            "realm_access", Map.of("roles", List.of("operator")))),
        jwt(key, "http://127.0.0.1:" + PORT + "/realms/other", Instant.now().plusSeconds(600),
            Map.of("preferred_username", "frank", "realm_access", Map.of("roles", List.of("operator")))),
        // Signed by the provider, in time, of the right issuer, but issued for another application.
        jwt(key, ISSUER, Instant.now().plusSeconds(600), Map.of("aud", List.of("grafana"),
            "preferred_username", "frank", "realm_access", Map.of("roles", List.of("operator")))));
    for (String token : refused) {
      // From an address of its own, so these failures count against nobody else's.
      RawHttp.Answer answer = RawHttp.get("127.0.0.6", "/api/v1/job", "Bearer " + token);
      assertEquals(401, answer.status(), answer.body());
      assertEquals("Bearer error=\"invalid_token\"", answer.header("WWW-Authenticate"));
      assertEquals("the bearer token is not valid", JSON.readTree(answer.body()).get("error").asText());
    }
    RawHttp.Answer noRole = RawHttp.get("127.0.0.6", "/api/v1/job", "Bearer " + valid("heidi",
        List.of("offline_access", "admin")));
    assertEquals(403, noRole.status(), noRole.body());
    assertTrue(JSON.readTree(noRole.body()).get("error").asText().contains("no Reprise role"), noRole.body());
  }
}
