package io.reprise.api.auth;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.reprise.api.jobs.JobListing;
import io.reprise.api.web.ApiException;
import io.reprise.api.web.ApiSliceTest;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The security filter chain in a web slice: the JSON 401 and 403 of its entry point and access denied handler,
 * the same answer for every wrong token, and the throttle. The token store is mocked; the end-to-end view of the
 * same is SecurityIT's.
 */
@WebMvcTest
@Import(SecurityConfiguration.class)
class SecurityWebMvcTest extends ApiSliceTest {

  static final String SUBMITTER = "rpr_" + "s".repeat(43);
  static final String OPERATOR = "rpr_" + "o".repeat(43);

  @MockitoBean
  TokenStore tokens;

  @BeforeEach
  void twoTokens() {
    when(tokens.verify(any())).thenReturn(Optional.empty());
    when(tokens.verify(SUBMITTER)).thenReturn(Optional.of(new Caller("alice", Role.SUBMITTER)));
    when(tokens.verify(OPERATOR)).thenReturn(Optional.of(new Caller("root", Role.OPERATOR)));
  }

  private static MockHttpServletRequestBuilder from(String address, MockHttpServletRequestBuilder request,
      String token) {
    MockHttpServletRequestBuilder built = request.with(r -> {
      r.setRemoteAddr(address);
      return r;
    });
    return token == null ? built : built.header("Authorization", "Bearer " + token);
  }

  @Test
  void noTokenIsAJson401WithWwwAuthenticate() throws Exception {
    mvc.perform(get("/api/v1/job/abcdefabcdef")).andExpect(status().isUnauthorized())
        .andExpect(header().string("WWW-Authenticate", "Bearer"))
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
        .andExpect(jsonPath("$.error").value("this route needs a bearer token: send Authorization: Bearer <token>"));
  }

  @Test
  void everyWrongTokenGetsTheSameJson401() throws Exception {
    for (String token : new String[] {"rpr_" + "x".repeat(43), "rpr_short", "eyJhbGciOiJub25lIn0.e30.",
        "not a token"}) {
      mvc.perform(from("127.0.0.20", get("/api/v1/job"), token)).andExpect(status().isUnauthorized())
          .andExpect(header().string("WWW-Authenticate", "Bearer error=\"invalid_token\""))
          .andExpect(content().json("{\"error\": \"the bearer token is not valid\"}", true));
    }
  }

  @Test
  void aRoleThatMayNotIsAJson403() throws Exception {
    mvc.perform(from("127.0.0.21", get("/api/v1/job/abcdefabcdef/history"), SUBMITTER))
        .andExpect(status().isForbidden())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
        .andExpect(jsonPath("$.error").value("the role submitter may not use this route; see the roles matrix in "
            + "the README"));
    when(jobs.history("abcdefabcdef")).thenReturn("{\"events\": []}");
    mvc.perform(from("127.0.0.21", get("/api/v1/job/abcdefabcdef/history"), OPERATOR)).andExpect(status().isOk());
  }

  @Test
  void theServicesSeeTheAuthenticatedCaller() throws Exception {
    when(jobs.view(eq(new Caller("alice", Role.SUBMITTER)), eq("abcdefabcdef"), anyBoolean()))
        .thenThrow(ApiException.notFound("no job with id abcdefabcdef"));
    mvc.perform(from("127.0.0.22", get("/api/v1/job/abcdefabcdef"), SUBMITTER)).andExpect(status().isNotFound())
        .andExpect(jsonPath("$.error").value("no job with id abcdefabcdef"));
  }

  @Test
  void afterTenWrongTokensFromAnAddressItsWrongTokensWaitAndGoodTokensPass() throws Exception {
    for (int i = 0; i < 10; i++) {
      mvc.perform(from("127.0.0.23", get("/api/v1/job"), "rpr_" + "w".repeat(43)))
          .andExpect(status().isUnauthorized());
    }
    for (String wrong : new String[] {"rpr_" + "w".repeat(43), "eyJhbGciOiJub25lIn0.e30."}) {
      mvc.perform(from("127.0.0.23", get("/api/v1/job"), wrong)).andExpect(status().isTooManyRequests())
          .andExpect(header().string("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]?")))
          .andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.startsWith("too many wrong tokens")));
    }
    // Behind a reverse proxy every client has the proxy's address: a guesser must not lock the others out.
    when(listing.list(any())).thenReturn(new JobListing.Page(java.util.List.of(), null, null));
    mvc.perform(from("127.0.0.23", get("/api/v1/job"), OPERATOR)).andExpect(status().isOk());
    mvc.perform(from("127.0.0.23", get("/api/v1/job"), SUBMITTER)).andExpect(status().isOk());
    mvc.perform(from("127.0.0.24", get("/api/v1/job"), OPERATOR)).andExpect(status().isOk());
  }
}
