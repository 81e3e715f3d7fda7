package io.reprise.api.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a caller may do, from least to most. A submitter runs and reads their own jobs; an auditor reads every job
 * and compendium and re-runs and audits them; an operator may do everything. See the README's roles matrix.
 */
public enum Role {
  SUBMITTER,
  AUDITOR,
  OPERATOR;

  /** The name on the wire, in tokens, on the command line and in JWT claims: submitter, auditor, operator. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The Spring Security authority that stands for the role. */
  public String authority() {
    return "ROLE_" + name();
  }

  public static Optional<Role> find(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return Arrays.stream(values()).filter(role -> role.wireName().equals(name.trim().toLowerCase(Locale.ROOT)))
        .findFirst();
  }

  /** The role of that name; an unknown name is refused with the names that exist. */
  public static Role parse(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException("unknown role '" + name + "'; roles are "
        + names()));
  }

  public static Optional<Role> ofAuthority(String authority) {
    return Arrays.stream(values()).filter(role -> role.authority().equals(authority)).findFirst();
  }

  public static String names() {
    return Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", "));
  }
}
