package io.reprise.api.auth;

import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.reprise.api.web.ApiSliceTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/** REPRISE_AUTH=off, for benchmarks only: a request without a token acts as the operator 'benchmark'. */
@WebMvcTest(properties = "reprise.auth.mode=off")
@Import(SecurityConfiguration.class)
class AuthOffWebMvcTest extends ApiSliceTest {

  @MockitoBean
  TokenStore tokens;

  @Test
  void aRequestWithoutATokenActsAsAnOperator() throws Exception {
    mvc.perform(get("/api/v1/job/abcdefabcdef/history")).andExpect(status().isOk());
    mvc.perform(get("/api/v1/job/abcdefabcdef")).andExpect(status().isOk());
    verify(jobs).view(eq(new Caller("benchmark", Role.OPERATOR)), eq("abcdefabcdef"), anyBoolean());
  }
}
