package io.reprise.api.web;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.reprise.activities.storage.StorageException;
import io.reprise.api.compendia.CompendiumService;
import io.reprise.api.jobs.JobListing;
import io.reprise.api.jobs.JobService;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The controllers' parameters and every error path, in a web slice with the services mocked: each error leaves as
 * {"error": "..."} with its status and never a stack trace or a server path.
 */
@WebMvcTest
class ApiErrorsWebMvcTest {

  @Autowired
  MockMvc mvc;

  @MockitoBean
  JobService jobs;

  @MockitoBean
  JobListing listing;

  @MockitoBean
  CompendiumService compendia;

  @MockitoBean
  io.reprise.api.jobs.LogFollower follower;

  @MockitoBean
  io.reprise.api.audits.JobComparison comparison;

  @MockitoBean
  io.reprise.activities.storage.ArtifactStore store;

  @MockitoBean
  io.reprise.activities.docker.DockerContainerEngine docker;

  @MockitoBean
  io.temporal.serviceclient.WorkflowServiceStubs temporal;

  @Test
  void unknownPathIsAJson404() throws Exception {
    mvc.perform(get("/api/v1/nothing")).andExpect(status().isNotFound())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
        .andExpect(jsonPath("$.error").value("no such endpoint; see the README for the API"));
  }

  @Test
  void wrongMethodIsAJson405() throws Exception {
    mvc.perform(delete("/api/v1/job/abcdefabcdef")).andExpect(status().isMethodNotAllowed())
        .andExpect(jsonPath("$.error").exists());
  }

  @Test
  void unreadableJsonIsA400() throws Exception {
    mvc.perform(post("/api/v1/job").contentType(MediaType.APPLICATION_JSON).content("{"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.error").value("the request body is not valid JSON of the expected shape"));
  }

  @Test
  void jobFromFormOrJsonPassesCompendiumUserAndIdempotencyKey() throws Exception {
    when(jobs.start("aaaaaaaaaaaa", "ada", "k1")).thenReturn("jjjjjjjjjjjj");

    mvc.perform(post("/api/v1/job").contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .param("compendium_id", "aaaaaaaaaaaa").param("user", "ada").header("Idempotency-Key", "k1"))
        .andExpect(status().isCreated()).andExpect(jsonPath("$.job_id").value("jjjjjjjjjjjj"));
    mvc.perform(post("/api/v1/job").contentType(MediaType.APPLICATION_JSON)
            .content("{\"compendium_id\": \"aaaaaaaaaaaa\", \"user\": \"ada\"}").header("Idempotency-Key", "k1"))
        .andExpect(status().isCreated()).andExpect(jsonPath("$.job_id").value("jjjjjjjjjjjj"));
  }

  @Test
  void serviceErrorsKeepTheirStatusAndMessage() throws Exception {
    when(jobs.start(eq(null), any(), any())).thenThrow(ApiException.badRequest("compendium_id is missing"));
    when(jobs.view(eq("unknown00000"), anyBoolean())).thenThrow(ApiException.notFound("no job with id unknown00000"));

    mvc.perform(post("/api/v1/job").contentType(MediaType.APPLICATION_FORM_URLENCODED))
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").value("compendium_id is missing"));
    mvc.perform(get("/api/v1/job/unknown00000"))
        .andExpect(status().isNotFound()).andExpect(jsonPath("$.error").value("no job with id unknown00000"));
  }

  @Test
  void missingUploadFieldIsA400NamingIt() throws Exception {
    mvc.perform(multipart("/api/v1/compendium").param("other", "x"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.error").value("the multipart field 'compendium' is missing"));
  }

  @Test
  void unreachableStoreIsA503WithoutDetails() throws Exception {
    when(jobs.view(eq("abcdefabcdef"), anyBoolean()))
        .thenThrow(new StorageException("MinIO could not list jobs/abcdefabcdef/: connection refused", null));

    mvc.perform(get("/api/v1/job/abcdefabcdef"))
        .andExpect(status().isServiceUnavailable())
        .andExpect(jsonPath("$.error").value("the artifact store is unavailable; try again shortly"));
  }

  @Test
  void unexpectedErrorsAreA500WithAGenericMessageAndNoStack() throws Exception {
    when(jobs.view(eq("abcdefabcdef"), anyBoolean()))
        .thenThrow(new IllegalStateException("/work/secret/path exploded"));

    mvc.perform(get("/api/v1/job/abcdefabcdef"))
        .andExpect(status().isInternalServerError())
        .andExpect(jsonPath("$.error").value("internal error; the server log has the details"))
        .andExpect(content().string(Matchers.not(Matchers.containsString("/work/secret"))))
        .andExpect(content().string(Matchers.not(Matchers.containsString("at io.reprise"))));
  }

  @Test
  void stepsTakesOnlyAll() throws Exception {
    mvc.perform(get("/api/v1/job/abcdefabcdef").param("steps", "some"))
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").value("steps takes only the value 'all'"));
  }

  @Test
  void conflictsAreA409() throws Exception {
    org.mockito.Mockito.doThrow(new ApiException(HttpStatus.CONFLICT, "job abcdefabcdef has already ended"))
        .when(jobs).cancel("abcdefabcdef");

    mvc.perform(post("/api/v1/job/abcdefabcdef/cancel"))
        .andExpect(status().isConflict()).andExpect(jsonPath("$.error").value("job abcdefabcdef has already ended"));
  }
}
