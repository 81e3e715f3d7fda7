package io.reprise.api.web;

import io.reprise.activities.audits.JobComparison;
import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.api.audits.AuditService;
import io.reprise.api.compendia.CompendiumService;
import io.reprise.api.jobs.JobListing;
import io.reprise.api.jobs.JobRemoval;
import io.reprise.api.jobs.JobService;
import io.reprise.api.storage.StorageService;
import io.reprise.api.jobs.LogFollower;
import io.temporal.serviceclient.WorkflowServiceStubs;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * What every {@code @WebMvcTest} of the API needs: the controllers' services and the backends of health, mocked,
 * so a slice runs the web layer (and the security configuration it imports) without the stack.
 */
public abstract class ApiSliceTest {

  @Autowired
  protected MockMvc mvc;

  @MockitoBean
  protected JobService jobs;
  @MockitoBean
  protected JobListing listing;
  @MockitoBean
  protected CompendiumService compendia;
  @MockitoBean
  protected LogFollower follower;
  @MockitoBean
  protected JobComparison comparison;
  @MockitoBean
  protected AuditService audits;
  @MockitoBean
  protected ArtifactStore store;
  @MockitoBean
  protected DockerContainerEngine docker;
  @MockitoBean
  protected WorkflowServiceStubs temporal;
  @MockitoBean
  protected JobRemoval removal;
  @MockitoBean
  protected StorageService storage;
}
