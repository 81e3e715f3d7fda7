package io.reprise.api.auth;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** REPRISE_AUTH=off starts only on a loopback address; an empty one would be every interface. */
class AuthOffAddressTest {

  @Test
  void anEmptyOrNonLoopbackAddressIsRefused() {
    for (String address : new String[] {"", " ", "0.0.0.0", "::", "192.0.2.1"}) {
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> SecurityConfiguration.requireLoopback(address), "'" + address + "'");
      assertTrue(refused.getMessage().contains("REPRISE_API_ADDRESS"), refused.getMessage());
    }
  }

  @Test
  void loopbackAddressesStart() {
    for (String address : new String[] {"127.0.0.1", "127.0.0.2", "::1"}) {
      SecurityConfiguration.requireLoopback(address);
    }
  }
}
