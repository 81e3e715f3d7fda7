package io.reprise.api.auth;

import java.util.Comparator;
import java.util.Objects;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.AuthenticatedPrincipal;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who sent the request: the authenticated user and their role, whatever presented them (a Reprise token or a JWT).
 * Controllers and services read it here, and only here, so a request field can never stand in for it.
 */
public record Caller(String user, Role role) implements AuthenticatedPrincipal {

  public Caller {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(role, "role");
  }

  /** The caller of the current request; the security filter chain has let no request without one this far. */
  public static Caller current() {
    return of(SecurityContextHolder.getContext().getAuthentication());
  }

  /** The caller an authentication stands for: its name, and the highest role among its authorities. */
  public static Caller of(Authentication authentication) {
    if (authentication == null || !authentication.isAuthenticated()) {
      throw new InsufficientAuthenticationException("no authenticated caller");
    }
    if (authentication.getPrincipal() instanceof Caller caller) {
      return caller;
    }
    Role role = authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
        .map(Role::ofAuthority).flatMap(java.util.Optional::stream).max(Comparator.naturalOrder())
        .orElseThrow(() -> new InsufficientAuthenticationException("the caller has no Reprise role"));
    return new Caller(authentication.getName(), role);
  }

  @Override
  public String getName() {
    return user;
  }

  public boolean is(Role wanted) {
    return role == wanted;
  }

  public boolean isOperator() {
    return role == Role.OPERATOR;
  }

  /** Auditors and operators read every job and compendium; submitters only their own. */
  public boolean readsAll() {
    return role == Role.AUDITOR || role == Role.OPERATOR;
  }

  /** Whether this caller owns something recorded as belonging to the user given. */
  public boolean owns(String owner) {
    return user.equals(owner);
  }
}
