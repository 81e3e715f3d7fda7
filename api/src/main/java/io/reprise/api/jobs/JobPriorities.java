package io.reprise.api.jobs;

import io.reprise.api.ApiProperties;
import io.reprise.api.auth.Caller;
import io.reprise.api.web.ApiException;
import io.reprise.workflows.jobs.JobPriority;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Which priority a request gets: each role has a highest priority it may ask for and a default for requests that
 * ask for none. Priorities run from 1 (first) to 5 (last), so "highest" is the smallest number a role may give.
 * Asking for more than the role allows, or for something that is not 1 to 5, is a 400 that names the limit.
 */
@Component
public class JobPriorities {

  /** The roles, in the order the README lists them. */
  public static final String SUBMITTER = "submitter";
  public static final String AUDITOR = "auditor";
  public static final String OPERATOR = "operator";

  /** One role's limit: the highest priority (smallest number) it may ask for, and what it gets when it asks none. */
  public record Limit(int highest, int defaultPriority) {}

  private final Map<String, Limit> limits;

  @Autowired
  public JobPriorities(ApiProperties properties) {
    this(limits(properties.priority()));
  }

  JobPriorities(Map<String, Limit> limits) {
    limits.forEach(JobPriorities::check);
    this.limits = Map.copyOf(limits);
  }

  private static Map<String, Limit> limits(ApiProperties.Priorities settings) {
    Map<String, Limit> limits = new LinkedHashMap<>();
    limits.put(SUBMITTER, settings.submitter().limit());
    limits.put(AUDITOR, settings.auditor().limit());
    limits.put(OPERATOR, settings.operator().limit());
    return limits;
  }

  /** A setting that cannot work stops the API at start, naming the setting. */
  private static void check(String role, Limit limit) {
    String name = "REPRISE_PRIORITY_" + role.toUpperCase(java.util.Locale.ROOT);
    if (limit.highest() < JobPriority.HIGHEST || limit.highest() > JobPriority.LOWEST) {
      throw new IllegalArgumentException(name + "_HIGHEST must be from 1 to 5, not " + limit.highest());
    }
    if (limit.defaultPriority() < limit.highest() || limit.defaultPriority() > JobPriority.LOWEST) {
      throw new IllegalArgumentException(name + "_DEFAULT must be from " + name + "_HIGHEST (" + limit.highest()
          + ") to 5, not " + limit.defaultPriority());
    }
  }

  /** The role's limit. */
  public Limit limit(String role) {
    Limit limit = limits.get(role);
    if (limit == null) {
      throw new IllegalArgumentException("no role named " + role);
    }
    return limit;
  }

  /**
   * The priority a request of the role runs with: the one it asked for, or the role's default when it asked for
   * none (null).
   */
  public int resolve(String role, Integer requested) {
    Limit limit = limit(role);
    if (requested == null) {
      return limit.defaultPriority();
    }
    if (requested < JobPriority.HIGHEST || requested > JobPriority.LOWEST) {
      throw ApiException.badRequest("priority must be from 1 (first) to 5 (last), not " + requested);
    }
    if (requested < limit.highest()) {
      String article = "aeiou".indexOf(role.charAt(0)) >= 0 ? "an " : "a ";
      throw ApiException.badRequest("priority " + requested + " is above the highest " + article + role
          + " may ask for (" + limit.highest() + ")");
    }
    return requested;
  }

  /** The priority a request of this caller runs with, within the caller's role's limit. */
  public int forCaller(Caller caller, Integer requested) {
    return resolve(caller.role().wireName(), requested);
  }

  /**
   * A priority as a request gives it: a JSON number, or the text of one (a form field). Null when absent; a 400
   * when it is anything but a whole number.
   */
  public static Integer parse(Object value) {
    if (value == null || (value instanceof String text && text.isBlank())) {
      return null;
    }
    if (value instanceof Integer number) {
      return number;
    }
    if (value instanceof String text && text.strip().matches("[+-]?[0-9]{1,9}")) {
      return Integer.valueOf(text.strip());
    }
    throw ApiException.badRequest("priority must be a whole number from 1 (first) to 5 (last)");
  }
}
