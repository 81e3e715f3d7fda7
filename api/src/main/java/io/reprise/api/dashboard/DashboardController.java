package io.reprise.api.dashboard;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What the dashboard asks before anyone has signed in: how one may sign in. Open to everyone. */
@RestController
class DashboardController {

  /** The provider sign-in in the OAuth names the browser code uses, or null when there is none. */
  record AuthOptions(@JsonProperty("token") boolean token, @JsonProperty("oidc") OidcSignIn oidc) {}

  record OidcSignIn(String name, String issuer, @JsonProperty("authorization_endpoint") String authorizationEndpoint,
      @JsonProperty("token_endpoint") String tokenEndpoint, @JsonProperty("client_id") String clientId,
      String scope) {}

  private final ObjectProvider<SignInOptions> signIn;

  /** Web slice tests build the controllers without the dashboard's configuration: there is then no provider. */
  DashboardController(ObjectProvider<SignInOptions> signIn) {
    this.signIn = signIn;
  }

  @GetMapping(value = "/api/v1/auth/options", produces = MediaType.APPLICATION_JSON_VALUE)
  AuthOptions options() {
    SignInOptions options = signIn.getIfAvailable();
    OidcSignIn oidc = options == null ? null : options.oidc().map(found -> new OidcSignIn(found.name(),
        found.issuer(), found.authorizationEndpoint(), found.tokenEndpoint(), found.clientId(), found.scope()))
        .orElse(null);
    return new AuthOptions(true, oidc);
  }
}
