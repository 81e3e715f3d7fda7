package io.reprise.api.auth;

import io.reprise.api.web.ApiException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Token management over the API, for operators only (the security configuration refuses everyone else). */
@RestController
@RequestMapping("/api/v1/tokens")
class TokenController {

  private final TokenStore tokens;

  TokenController(TokenStore tokens) {
    this.tokens = tokens;
  }

  /** Mints a token from {@code {"user": "...", "role": "..."}}; the answer is the only time the token is shown. */
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  TokenStore.Minted mintToken(@RequestBody(required = false) Map<String, Object> body) {
    if (body == null || !(body.get("user") instanceof String user) || !(body.get("role") instanceof String role)) {
      throw ApiException.badRequest("the body must be a JSON object with user and role");
    }
    for (String key : body.keySet()) {
      if (!List.of("user", "role").contains(key)) {
        throw ApiException.badRequest("unknown key '" + key + "'; keys are user, role");
      }
    }
    if (Role.find(role).isEmpty()) {
      throw ApiException.badRequest("unknown role '" + role + "'; roles are " + Role.names());
    }
    if (!TokenStore.isValidUser(user)) {
      throw ApiException.badRequest("user may hold only letters, digits and . _ @ - (at most 64)");
    }
    return tokens.mint(user, role, Caller.current().user());
  }

  /** Every token: id, user, role, when it was created and revoked. Never a token or its hash. */
  @GetMapping({"", "/"})
  Map<String, List<TokenStore.TokenInfo>> listTokens() {
    return Map.of("results", tokens.list());
  }

  /** Revokes a token by its id; this API instance refuses it at once, others within the token cache's time. */
  @DeleteMapping("/{id}")
  TokenStore.TokenInfo revokeToken(@PathVariable String id) {
    return tokens.revoke(id, Caller.current().user()).orElseThrow(() -> ApiException.notFound("no token with id " + id));
  }
}
