package io.reprise.api.auth;

import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.micrometer.core.instrument.MeterRegistry;
import io.reprise.api.web.ApiSliceTest;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementContextAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.servlet.autoconfigure.actuate.web.ServletManagementContextAutoConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The actuator as application.yml configures it, behind the security filter chain: the Prometheus scrape for
 * operators only (JSON 401 without a token, 403 for the other roles), and no other actuator endpoint served.
 */
@WebMvcTest
@Import(SecurityConfiguration.class)
@ImportAutoConfiguration({EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
    ManagementContextAutoConfiguration.class, ServletManagementContextAutoConfiguration.class,
    MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
    PrometheusMetricsExportAutoConfiguration.class})
class MetricsWebMvcTest extends ApiSliceTest {

  static final String SUBMITTER = "rpr_" + "s".repeat(43);
  static final String AUDITOR = "rpr_" + "a".repeat(43);
  static final String OPERATOR = "rpr_" + "o".repeat(43);

  @MockitoBean
  TokenStore tokens;
  @Autowired
  MeterRegistry registry;

  @BeforeEach
  void tokens() {
    when(tokens.verify(any())).thenReturn(Optional.empty());
    when(tokens.verify(SUBMITTER)).thenReturn(Optional.of(new Caller("alice", Role.SUBMITTER)));
    when(tokens.verify(AUDITOR)).thenReturn(Optional.of(new Caller("carol", Role.AUDITOR)));
    when(tokens.verify(OPERATOR)).thenReturn(Optional.of(new Caller("root", Role.OPERATOR)));
  }

  private static MockHttpServletRequestBuilder as(String token, String path) {
    return get(path).header("Authorization", "Bearer " + token);
  }

  @Test
  void anOperatorGetsThePrometheusTextFormat() throws Exception {
    registry.counter("reprise.probe", "kind", "slice").increment(3);

    mvc.perform(as(OPERATOR, "/actuator/prometheus")).andExpect(status().isOk())
        .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_PLAIN))
        .andExpect(content().string(containsString("reprise_probe_total{kind=\"slice\"} 3.0")));
  }

  @Test
  void withoutATokenTheScrapeIsAJson401() throws Exception {
    mvc.perform(get("/actuator/prometheus")).andExpect(status().isUnauthorized())
        .andExpect(header().string("WWW-Authenticate", "Bearer"))
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
        .andExpect(jsonPath("$.error").value("this route needs a bearer token: send Authorization: Bearer <token>"));
  }

  @Test
  void submittersAndAuditorsGetAJson403() throws Exception {
    for (String token : new String[] {SUBMITTER, AUDITOR}) {
      mvc.perform(as(token, "/actuator/prometheus")).andExpect(status().isForbidden())
          .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
          .andExpect(jsonPath("$.error").exists());
    }
  }

  @Test
  void noOtherActuatorEndpointIsServedEvenToAnOperator() throws Exception {
    for (String path : new String[] {"/actuator/health", "/actuator/env", "/actuator/metrics", "/actuator/beans",
        "/actuator/heapdump", "/actuator"}) {
      mvc.perform(as(OPERATOR, path)).andExpect(status().isNotFound());
      mvc.perform(as(SUBMITTER, path)).andExpect(status().isForbidden());
    }
  }

  @Test
  void whoamiNamesTheCallerAndRoleForAnyRole() throws Exception {
    mvc.perform(as(SUBMITTER, "/api/v1/whoami")).andExpect(status().isOk())
        .andExpect(content().json("{\"user\": \"alice\", \"role\": \"submitter\"}", true));
    mvc.perform(as(OPERATOR, "/api/v1/whoami")).andExpect(status().isOk())
        .andExpect(content().json("{\"user\": \"root\", \"role\": \"operator\"}", true));
    mvc.perform(get("/api/v1/whoami")).andExpect(status().isUnauthorized());
  }
}
