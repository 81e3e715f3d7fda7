package io.reprise.api.auth;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Turns a verified JWT into a caller: the user from the user claim (or {@code sub} without it), the role from the
 * roles claim, a dotted path into nested objects such as Keycloak's {@code realm_access.roles}. The claim may hold a
 * list or a text of names separated by spaces or commas; names that are no Reprise role are ignored, and the
 * highest of the rest wins. A JWT with no Reprise role authenticates with no role, which every route but the open
 * ones refuses with 403.
 */
final class JwtRoles implements Converter<Jwt, AbstractAuthenticationToken> {

  private final String rolesClaim;
  private final String userClaim;

  JwtRoles(String rolesClaim, String userClaim) {
    this.rolesClaim = rolesClaim;
    this.userClaim = userClaim;
  }

  @Override
  public AbstractAuthenticationToken convert(Jwt jwt) {
    String user = Optional.ofNullable(jwt.getClaimAsString(userClaim)).filter(name -> !name.isBlank())
        .orElse(jwt.getSubject());
    if (!TokenStore.isValidUser(user)) {
      throw new InvalidBearerTokenException("the token names no usable user");
    }
    List<SimpleGrantedAuthority> authorities = role(jwt.getClaims()).map(role -> new SimpleGrantedAuthority(
        role.authority())).stream().toList();
    return new JwtAuthenticationToken(jwt, authorities, user);
  }

  Optional<Role> role(Map<String, Object> claims) {
    Object value = claims;
    for (String part : rolesClaim.split("\\.")) {
      if (!(value instanceof Map<?, ?> map)) {
        return Optional.empty();
      }
      value = map.get(part);
    }
    Collection<?> names;
    if (value instanceof Collection<?> collection) {
      names = collection;
    } else if (value instanceof String text) {
      names = List.of(text.split("[\\s,]+"));
    } else {
      return Optional.empty();
    }
    return names.stream().map(name -> Role.find(String.valueOf(name))).flatMap(Optional::stream)
        .max(Enum::compareTo);
  }
}
