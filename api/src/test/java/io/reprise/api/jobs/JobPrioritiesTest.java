package io.reprise.api.jobs;

import io.reprise.api.auth.Caller;
import io.reprise.api.auth.Role;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.reprise.api.ApiProperties;
import io.reprise.api.auth.Caller;
import io.reprise.api.auth.Role;
import io.reprise.api.web.ApiException;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpStatus;

/** The priority policy for every role, from the settings the API ships with and from the environment. */
class JobPrioritiesTest {

  /** The API's own application.yml, bound as at start, with these environment variables set. */
  private static JobPriorities fromApplicationYml(Map<String, Object> environment) throws IOException {
    StandardEnvironment spring = new StandardEnvironment();
    spring.getPropertySources().addFirst(new MapPropertySource("test-environment", environment));
    new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yml"))
        .forEach(source -> spring.getPropertySources().addLast(source));
    ApiProperties properties = new Binder(ConfigurationPropertySources.get(spring),
        new org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver(spring))
        .bind("reprise", ApiProperties.class).get();
    return new JobPriorities(properties);
  }

  private static String refusal(JobPriorities priorities, String role, Integer requested) {
    ApiException refused = assertThrows(ApiException.class, () -> priorities.resolve(role, requested));
    assertEquals(HttpStatus.BAD_REQUEST, refused.status());
    return refused.getMessage();
  }

  @Test
  void submittersGetThreeAndMayAskNoHigher() throws IOException {
    JobPriorities priorities = fromApplicationYml(Map.of());
    assertEquals(3, priorities.resolve("submitter", null));
    assertEquals(3, priorities.resolve("submitter", 3));
    assertEquals(5, priorities.resolve("submitter", 5));
    assertEquals("priority 2 is above the highest a submitter may ask for (3)",
        refusal(priorities, "submitter", 2));
    assertEquals("priority 1 is above the highest a submitter may ask for (3)",
        refusal(priorities, "submitter", 1));
  }

  @Test
  void auditorsCampaignsDefaultToFourAndMayAskForTwo() throws IOException {
    JobPriorities priorities = fromApplicationYml(Map.of());
    assertEquals(4, priorities.resolve("auditor", null));
    assertEquals(2, priorities.resolve("auditor", 2));
    assertEquals(5, priorities.resolve("auditor", 5));
    assertEquals("priority 1 is above the highest an auditor may ask for (2)",
        refusal(priorities, "auditor", 1));
  }

  @Test
  void operatorsDefaultToThreeAndMayAskForOne() throws IOException {
    JobPriorities priorities = fromApplicationYml(Map.of());
    assertEquals(3, priorities.resolve("operator", null));
    assertEquals(1, priorities.resolve("operator", 1));
    assertEquals(5, priorities.resolve("operator", 5));
  }

  @Test
  void everyRoleIsRefusedOutsideOneToFive() throws IOException {
    JobPriorities priorities = fromApplicationYml(Map.of());
    for (String role : new String[] {"submitter", "auditor", "operator"}) {
      assertEquals("priority must be from 1 (first) to 5 (last), not 0", refusal(priorities, role, 0));
      assertEquals("priority must be from 1 (first) to 5 (last), not 6", refusal(priorities, role, 6));
      assertEquals("priority must be from 1 (first) to 5 (last), not -1", refusal(priorities, role, -1));
    }
  }

  @Test
  void theEnvironmentSetsEachRolesLimitAndDefault() throws IOException {
    JobPriorities priorities = fromApplicationYml(Map.of(
        "REPRISE_PRIORITY_SUBMITTER_HIGHEST", "2", "REPRISE_PRIORITY_SUBMITTER_DEFAULT", "4",
        "REPRISE_PRIORITY_AUDITOR_HIGHEST", "3", "REPRISE_PRIORITY_AUDITOR_DEFAULT", "5",
        "REPRISE_PRIORITY_OPERATOR_HIGHEST", "2", "REPRISE_PRIORITY_OPERATOR_DEFAULT", "2"));
    assertEquals(new JobPriorities.Limit(2, 4), priorities.limit("submitter"));
    assertEquals(new JobPriorities.Limit(3, 5), priorities.limit("auditor"));
    assertEquals(new JobPriorities.Limit(2, 2), priorities.limit("operator"));
    assertEquals(4, priorities.resolve("submitter", null));
    assertEquals(2, priorities.resolve("submitter", 2));
    assertEquals("priority 1 is above the highest an operator may ask for (2)", refusal(priorities, "operator", 1));
  }

  @Test
  void settingsThatCannotWorkStopTheApiNamingTheSetting() {
    IllegalArgumentException highest = assertThrows(IllegalArgumentException.class,
        () -> new JobPriorities(Map.of("submitter", new JobPriorities.Limit(0, 3))));
    assertEquals("REPRISE_PRIORITY_SUBMITTER_HIGHEST must be from 1 to 5, not 0", highest.getMessage());
    IllegalArgumentException defaultAboveHighest = assertThrows(IllegalArgumentException.class,
        () -> new JobPriorities(Map.of("auditor", new JobPriorities.Limit(3, 2))));
    assertEquals("REPRISE_PRIORITY_AUDITOR_DEFAULT must be from REPRISE_PRIORITY_AUDITOR_HIGHEST (3) to 5, not 2",
        defaultAboveHighest.getMessage());
  }

  @Test
  void anUnknownRoleIsAProgrammingErrorNotAClientError() throws IOException {
    JobPriorities priorities = fromApplicationYml(Map.of());
    assertThrows(IllegalArgumentException.class, () -> priorities.resolve("visitor", 3));
  }

  @Test
  void theCallersRoleDecidesTheLimit() throws IOException {
    JobPriorities priorities = fromApplicationYml(Map.of());
    Caller submitter = new Caller("sam", Role.SUBMITTER);
    assertEquals(3, priorities.forCaller(submitter, null));
    assertEquals(4, priorities.forCaller(new Caller("ada", Role.AUDITOR), null));
    assertEquals(1, priorities.forCaller(new Caller("op", Role.OPERATOR), 1));
    ApiException refused = assertThrows(ApiException.class, () -> priorities.forCaller(submitter, 2));
    assertEquals("priority 2 is above the highest a submitter may ask for (3)", refused.getMessage());
  }

  @Test
  void parseTakesJsonNumbersAndFormTextOnly() {
    assertNull(JobPriorities.parse(null));
    assertNull(JobPriorities.parse(" "));
    assertEquals(2, JobPriorities.parse(2));
    assertEquals(2, JobPriorities.parse(" 2 "));
    assertEquals(0, JobPriorities.parse("0"));
    for (Object bad : new Object[] {"high", 1.5, "1.5", true, java.util.List.of(1), "99999999999"}) {
      ApiException refused = assertThrows(ApiException.class, () -> JobPriorities.parse(bad), String.valueOf(bad));
      assertEquals("priority must be a whole number from 1 (first) to 5 (last)", refused.getMessage());
    }
  }
}
