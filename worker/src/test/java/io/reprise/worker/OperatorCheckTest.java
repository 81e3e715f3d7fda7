package io.reprise.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.reprise.worker.OperatorCheck.Verdict;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker asks the API whose a token is, caches lasting verdicts for a while, and fails closed. */
class OperatorCheckTest {

  private final FakeApi api;
  private final AtomicLong now = new AtomicLong();
  private final OperatorCheck check;

  OperatorCheckTest() throws Exception {
    api = new FakeApi();
    check = new OperatorCheck(api.base(), HttpClient.newHttpClient(), Duration.ofSeconds(30), Duration.ofSeconds(2),
        now::get);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void anOperatorIsLetInAndOtherRolesAreNot() {
    assertEquals(Verdict.OPERATOR, check.check("Bearer op"));
    assertEquals(Verdict.NOT_OPERATOR, check.check("Bearer sub"));
    assertEquals(Verdict.NOT_OPERATOR, check.check("Bearer role-less"));
    assertEquals(Verdict.NOT_VALID, check.check("Bearer rpr_guessed"));
  }

  @Test
  void noBearerTokenIsRefusedWithoutAskingTheApi() {
    assertEquals(Verdict.NO_TOKEN, check.check(null));
    assertEquals(Verdict.NO_TOKEN, check.check("Basic b3A6b3A="));
    assertEquals(Verdict.NOT_VALID, check.check("Bearer  "));
    assertEquals(0, api.asked.get());
  }

  @Test
  void aTokenWithControlCharactersIsNotValidAndNeverForwarded() {
    // The HTTP client refuses such a header with an exception, which left the scrape without any answer.
    assertEquals(Verdict.NOT_VALID, check.check("Bearer a\u0001b"));
    assertEquals(Verdict.NOT_VALID, check.check("Bearer op\r\nX-Injected: 1"));
    assertEquals(Verdict.NOT_VALID, check.check("Bearer caf\u00e9"));
    assertEquals(0, api.asked.get());
  }

  @Test
  void anApiBehindAProxyIsAskedUnderItsPath() throws Exception {
    try (FakeApi proxied = new FakeApi("/reprise")) {
      OperatorCheck behindProxy = new OperatorCheck(proxied.base(), HttpClient.newHttpClient(),
          Duration.ofSeconds(30), Duration.ofSeconds(2), now::get);
      assertEquals(Verdict.OPERATOR, behindProxy.check("Bearer op"));
      assertEquals(1, proxied.asked.get());
    }
  }

  @Test
  void aVerdictIsCachedForThirtySecondsThenAskedAgain() {
    check.check("Bearer op");
    check.check("Bearer op");
    check.check("Bearer sub");
    check.check("Bearer sub");
    assertEquals(2, api.asked.get(), "one question per token within 30 s");

    now.addAndGet(Duration.ofSeconds(31).toNanos());
    assertEquals(Verdict.OPERATOR, check.check("Bearer op"));
    assertEquals(3, api.asked.get(), "asked again once the verdict is older than 30 s");
  }

  @Test
  void momentaryAnswersAreNotCached() {
    assertEquals(Verdict.THROTTLED, check.check("Bearer busy"));
    assertEquals(Verdict.THROTTLED, check.check("Bearer busy"));
    assertEquals(Verdict.UNAVAILABLE, check.check("Bearer broken"));
    assertEquals(Verdict.UNAVAILABLE, check.check("Bearer broken"));
    assertEquals(4, api.asked.get());
  }

  @Test
  void anApiThatCannotBeAskedFailsClosed() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    OperatorCheck nobody = new OperatorCheck(URI.create("http://127.0.0.1:" + closed), Duration.ofSeconds(30),
        Duration.ofSeconds(2));

    assertEquals(Verdict.UNAVAILABLE, nobody.check("Bearer op"));
    assertEquals(503, Verdict.UNAVAILABLE.status);
  }
}
