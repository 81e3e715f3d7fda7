package io.reprise.api.auth;

import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.reprise.api.audits.AuditService;
import io.reprise.api.compendia.CompendiumService;
import io.reprise.api.jobs.JobListing;
import io.reprise.api.jobs.JobService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** REPRISE_AUTH=off, for benchmarks only: a request without a token acts as the operator 'benchmark'. */
@WebMvcTest(properties = "reprise.auth.mode=off")
@Import(SecurityConfiguration.class)
class AuthOffWebMvcTest {

  @Autowired
  MockMvc mvc;

  @MockitoBean
  TokenStore tokens;
  @MockitoBean
  JobService jobs;
  @MockitoBean
  JobListing listing;
  @MockitoBean
  CompendiumService compendia;
  @MockitoBean
  io.reprise.api.jobs.LogFollower follower;
  @MockitoBean
  io.reprise.activities.audits.JobComparison comparison;
  @MockitoBean
  AuditService audits;
  @MockitoBean
  io.reprise.activities.storage.ArtifactStore store;
  @MockitoBean
  io.reprise.activities.docker.DockerContainerEngine docker;
  @MockitoBean
  io.temporal.serviceclient.WorkflowServiceStubs temporal;

  @Test
  void aRequestWithoutATokenActsAsAnOperator() throws Exception {
    mvc.perform(get("/api/v1/job/abcdefabcdef/history")).andExpect(status().isOk());
    mvc.perform(get("/api/v1/job/abcdefabcdef")).andExpect(status().isOk());
    verify(jobs).view(eq(new Caller("benchmark", Role.OPERATOR)), eq("abcdefabcdef"), anyBoolean());
  }
}
