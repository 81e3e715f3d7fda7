package io.reprise.api.dashboard;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What the dashboard asks before anyone has signed in: how one may sign in. Open to everyone. */
@RestController
class DashboardController {

  /** The provider sign-in in the OAuth names the browser code uses, or null when there is none. */
  record Options(@JsonProperty("token") boolean token, @JsonProperty("oidc") OidcOption oidc) {}

  record OidcOption(String name, String issuer, @JsonProperty("authorization_endpoint") String authorizationEndpoint,
      @JsonProperty("token_endpoint") String tokenEndpoint, @JsonProperty("client_id") String clientId,
      String scope) {}

  private final SignInOptions signIn;

  DashboardController(SignInOptions signIn) {
    this.signIn = signIn;
  }

  @GetMapping("/api/v1/auth/options")
  Options options() {
    return new Options(true, signIn.oidc().map(oidc -> new OidcOption(oidc.name(), oidc.issuer(),
        oidc.authorizationEndpoint(), oidc.tokenEndpoint(), oidc.clientId(), oidc.scope())).orElse(null));
  }
}
