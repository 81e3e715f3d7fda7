package io.reprise.api.web;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.reprise.activities.storage.StorageException;
import io.reprise.activities.audits.JobComparison;
import io.reprise.api.audits.AuditService;
import io.reprise.api.jobs.JobService;
import java.util.List;
import org.hamcrest.Matchers;
import org.mockito.ArgumentCaptor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.security.test.context.support.WithMockUser;
import io.reprise.api.auth.SecurityConfiguration;
import org.springframework.http.MediaType;

/**
 * The controllers' parameters and every error path, in a web slice with the services mocked: each error leaves as
 * {"error": "..."} with its status and never a stack trace or a server path.
 */
@WebMvcTest
@Import(SecurityConfiguration.class)
@WithMockUser(username = "it", roles = "OPERATOR")
class ApiErrorsWebMvcTest extends ApiSliceTest {


  @Test
  void unknownPathIsAJson404() throws Exception {
    mvc.perform(get("/api/v1/nothing")).andExpect(status().isNotFound())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
        .andExpect(jsonPath("$.error").value("no such endpoint; see the README for the API"));
  }

  @Test
  void wrongMethodIsAJson405() throws Exception {
    // DELETE deletes a job; PUT is no method of a job.
    mvc.perform(put("/api/v1/job/abcdefabcdef")).andExpect(status().isMethodNotAllowed())
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
    when(jobs.start(any(), eq("aaaaaaaaaaaa"), eq("ada"), eq(null), eq("k1"))).thenReturn("jjjjjjjjjjjj");

    mvc.perform(post("/api/v1/job").contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .param("compendium_id", "aaaaaaaaaaaa").param("user", "ada").header("Idempotency-Key", "k1"))
        .andExpect(status().isCreated()).andExpect(jsonPath("$.job_id").value("jjjjjjjjjjjj"));
    mvc.perform(post("/api/v1/job").contentType(MediaType.APPLICATION_JSON)
            .content("{\"compendium_id\": \"aaaaaaaaaaaa\", \"user\": \"ada\"}").header("Idempotency-Key", "k1"))
        .andExpect(status().isCreated()).andExpect(jsonPath("$.job_id").value("jjjjjjjjjjjj"));
  }

  @Test
  void priorityReachesTheServiceFromFormJsonRerunAndAudit() throws Exception {
    when(jobs.start(any(), eq("aaaaaaaaaaaa"), eq("ada"), eq(2), eq(null))).thenReturn("jjjjjjjjjjjj");
    when(jobs.rerun(any(), eq("aaaaaaaaaaaa"), eq(false), eq(null), eq(4))).thenReturn("rrrrrrrrrrrr");
    when(audits.start(any(), eq(new AuditService.Order(java.util.List.of("aaaaaaaaaaaa"), null, null, null, false,
        null, 5)))).thenReturn(new AuditService.AuditStarted("aaaaaaaaaaaa", 1));

    mvc.perform(post("/api/v1/job").contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .param("compendium_id", "aaaaaaaaaaaa").param("user", "ada").param("priority", "2"))
        .andExpect(status().isCreated()).andExpect(jsonPath("$.job_id").value("jjjjjjjjjjjj"));
    mvc.perform(post("/api/v1/job").contentType(MediaType.APPLICATION_JSON)
            .content("{\"compendium_id\": \"aaaaaaaaaaaa\", \"user\": \"ada\", \"priority\": 2}"))
        .andExpect(status().isCreated()).andExpect(jsonPath("$.job_id").value("jjjjjjjjjjjj"));
    mvc.perform(post("/api/v1/job/aaaaaaaaaaaa/rerun").param("priority", "4"))
        .andExpect(status().isCreated()).andExpect(jsonPath("$.job_id").value("rrrrrrrrrrrr"));
    mvc.perform(post("/api/v1/audit").contentType(MediaType.APPLICATION_JSON)
            .content("{\"job_ids\": [\"aaaaaaaaaaaa\"], \"priority\": 5}"))
        .andExpect(status().isCreated()).andExpect(jsonPath("$.audit_id").value("aaaaaaaaaaaa"));
  }

  @Test
  void aPriorityThatIsNoWholeNumberIsA400() throws Exception {
    String message = "priority must be a whole number from 1 (first) to 5 (last)";
    mvc.perform(post("/api/v1/job").contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .param("compendium_id", "aaaaaaaaaaaa").param("priority", "high"))
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").value(message));
    mvc.perform(post("/api/v1/job").contentType(MediaType.APPLICATION_JSON)
            .content("{\"compendium_id\": \"aaaaaaaaaaaa\", \"priority\": 1.5}"))
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").value(message));
    mvc.perform(post("/api/v1/job/aaaaaaaaaaaa/rerun").param("priority", "first"))
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").value(message));
    mvc.perform(post("/api/v1/audit").contentType(MediaType.APPLICATION_JSON)
            .content("{\"job_ids\": [\"aaaaaaaaaaaa\"], \"priority\": [1]}"))
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").value(message));
  }

  @Test
  void serviceErrorsKeepTheirStatusAndMessage() throws Exception {
    when(jobs.start(any(), eq(null), any(), any(), any()))
        .thenThrow(ApiException.badRequest("compendium_id is missing"));
    when(jobs.view(any(), eq("unknown00000"), anyBoolean()))
        .thenThrow(ApiException.notFound("no job with id unknown00000"));

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
    when(jobs.view(any(), eq("abcdefabcdef"), anyBoolean()))
        .thenThrow(new StorageException("MinIO could not list jobs/abcdefabcdef/: connection refused", null));

    mvc.perform(get("/api/v1/job/abcdefabcdef"))
        .andExpect(status().isServiceUnavailable())
        .andExpect(jsonPath("$.error").value("the artifact store is unavailable; try again shortly"));
  }

  @Test
  void temporalDownIsA503ThroughTheClientsWrapper() throws Exception {
    // What describe throws when the frontend cannot be reached: the gRPC status inside the SDK's own exception.
    for (io.grpc.Status status : List.of(io.grpc.Status.UNAVAILABLE, io.grpc.Status.DEADLINE_EXCEEDED)) {
      when(jobs.view(any(), eq("abcdefabcdef"), anyBoolean())).thenThrow(new io.temporal.client.WorkflowServiceException(
          io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId("abcdefabcdef").build(),
          "JobWorkflow", new io.grpc.StatusRuntimeException(status.withDescription("io exception"))));

      mvc.perform(get("/api/v1/job/abcdefabcdef"))
          .andExpect(status().isServiceUnavailable())
          .andExpect(jsonPath("$.error").value("Temporal is unavailable; try again shortly"));
    }
  }

  @Test
  void temporalOverItsRateLimitIsA429WithRetryAfterWrappedOrNot() throws Exception {
    // What the dev server answers past frontend.namespaceRPS: RESOURCE_EXHAUSTED, inside the SDK's exception from
    // describe, or bare from a call on the service stubs (a visibility query).
    io.grpc.Status exhausted = io.grpc.Status.RESOURCE_EXHAUSTED.withDescription("namespace rate limit exceeded");
    List<RuntimeException> thrown = List.of(
        new io.temporal.client.WorkflowServiceException(
            io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId("abcdefabcdef").build(),
            "JobWorkflow", new io.grpc.StatusRuntimeException(exhausted)),
        new io.grpc.StatusRuntimeException(exhausted),
        new RuntimeException("wrapped twice", new io.grpc.StatusRuntimeException(exhausted)));
    for (RuntimeException e : thrown) {
      when(jobs.view(any(), eq("abcdefabcdef"), anyBoolean())).thenThrow(e);

      mvc.perform(get("/api/v1/job/abcdefabcdef"))
          .andExpect(status().isTooManyRequests())
          .andExpect(header().string("Retry-After", "1"))
          .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
          .andExpect(jsonPath("$.error").value("too many requests to Temporal at once; try again in a second"));
    }
  }

  @Test
  void theApisOwnReadBudgetIsA429WithRetryAfter() throws Exception {
    when(jobs.view(any(), eq("abcdefabcdef"), anyBoolean())).thenThrow(io.reprise.api.jobs.JobReads.tooManyReads());

    mvc.perform(get("/api/v1/job/abcdefabcdef"))
        .andExpect(status().isTooManyRequests())
        .andExpect(header().string("Retry-After", "1"))
        .andExpect(jsonPath("$.error").value("too many reads at once; try again in a second"));
  }

  @Test
  void aTemporalRefusalThatIsNoOutageStaysA500() throws Exception {
    when(jobs.view(any(), eq("abcdefabcdef"), anyBoolean())).thenThrow(new io.temporal.client.WorkflowServiceException(
        io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId("abcdefabcdef").build(),
        "JobWorkflow", new io.grpc.StatusRuntimeException(io.grpc.Status.INTERNAL)));

    mvc.perform(get("/api/v1/job/abcdefabcdef")).andExpect(status().isInternalServerError());
  }

  @Test
  void unexpectedErrorsAreA500WithAGenericMessageAndNoStack() throws Exception {
    when(jobs.view(any(), eq("abcdefabcdef"), anyBoolean()))
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
        .when(jobs).cancel(any(), eq("abcdefabcdef"));

    mvc.perform(post("/api/v1/job/abcdefabcdef/cancel"))
        .andExpect(status().isConflict()).andExpect(jsonPath("$.error").value("job abcdefabcdef has already ended"));
  }

  @Test
  void comparingAJobWithoutStoredOutputsIsA404() throws Exception {
    when(comparison.compare("aaaaaaaaaaaa", "bbbbbbbbbbbb"))
        .thenThrow(new JobComparison.NotStoredException("bbbbbbbbbbbb"));

    mvc.perform(get("/api/v1/job/aaaaaaaaaaaa/compare/bbbbbbbbbbbb"))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.error").value(Matchers.containsString("job bbbbbbbbbbbb has no stored outputs")));
    mvc.perform(get("/api/v1/job/aaaaaaaaaaaa/compare/not-an-id"))
        .andExpect(status().isNotFound()).andExpect(jsonPath("$.error").value("no job with id not-an-id"));
  }

  @Test
  void auditTakesJobIdsOrTheJobListFilters() throws Exception {
    when(audits.start(any(), any())).thenReturn(new AuditService.AuditStarted("aaaaaaaaaaaa", 2));

    mvc.perform(post("/api/v1/audit").contentType(MediaType.APPLICATION_JSON)
            .content("{\"job_ids\": [\"j1j1j1j1j1j1\", \" j2j2j2j2j2j2 \"], \"parallelism\": 3, \"rebuild\": true,"
                + " \"user\": \"auditor\"}"))
        .andExpect(status().isCreated()).andExpect(jsonPath("$.audit_id").value("aaaaaaaaaaaa"))
        .andExpect(jsonPath("$.jobs").value(2)).andExpect(jsonPath("$.url").value("/api/v1/audit/aaaaaaaaaaaa"));
    mvc.perform(post("/api/v1/audit").contentType(MediaType.APPLICATION_JSON)
            .content("{\"filter\": {\"compendium_id\": [\"c1c1c1c1c1c1\", \"c2c2c2c2c2c2\"], \"status\": \"success\"},"
                + " \"limit\": 10}"))
        .andExpect(status().isCreated());

    ArgumentCaptor<AuditService.Order> orders = ArgumentCaptor.forClass(AuditService.Order.class);
    org.mockito.Mockito.verify(audits, org.mockito.Mockito.times(2)).start(any(), orders.capture());
    AuditService.Order byIds = orders.getAllValues().get(0);
    org.junit.jupiter.api.Assertions.assertEquals(List.of("j1j1j1j1j1j1", "j2j2j2j2j2j2"), byIds.jobIds());
    org.junit.jupiter.api.Assertions.assertEquals(3, byIds.parallelism());
    org.junit.jupiter.api.Assertions.assertTrue(byIds.rebuild());
    org.junit.jupiter.api.Assertions.assertEquals("auditor", byIds.user());
    AuditService.Order byFilter = orders.getAllValues().get(1);
    org.junit.jupiter.api.Assertions.assertNull(byFilter.jobIds());
    org.junit.jupiter.api.Assertions.assertEquals("c1c1c1c1c1c1,c2c2c2c2c2c2", byFilter.filter().compendiumIds());
    org.junit.jupiter.api.Assertions.assertEquals("success", byFilter.filter().status());
    org.junit.jupiter.api.Assertions.assertEquals(10, byFilter.limit());
    org.junit.jupiter.api.Assertions.assertFalse(byFilter.rebuild());
  }

  @Test
  void auditBodiesOfTheWrongShapeAreA400NamingTheKey() throws Exception {
    String[][] cases = {
        {"{\"job_ids\": \"abc\"}", "job_ids must be a list of job ids"},
        {"{\"job_ids\": [1, 2]}", "job_ids must be a list of job ids"},
        {"{\"jobs\": []}", "unknown key 'jobs'; keys are job_ids, filter, limit, parallelism, rebuild, user, priority"},
        {"{\"filter\": {\"owner\": \"x\"}}", "unknown filter 'owner'; filters are compendium_id, status, user"},
        {"{\"filter\": []}", "filter must be an object with compendium_id, status or user"},
        {"{\"job_ids\": [], \"parallelism\": \"two\"}", "parallelism must be a whole number"},
        {"{\"job_ids\": [], \"rebuild\": \"yes\"}", "rebuild must be true or false"},
    };
    for (String[] c : cases) {
      mvc.perform(post("/api/v1/audit").contentType(MediaType.APPLICATION_JSON).content(c[0]))
          .andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").value(c[1]));
    }
    mvc.perform(post("/api/v1/audit").contentType(MediaType.APPLICATION_JSON))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.error").value("the body must be a JSON object with job_ids or filter"));
    org.mockito.Mockito.verifyNoInteractions(audits);
  }

  private void storedFile(String path, String contentType, byte[] bytes) {
    JobService.StoredFile file = new JobService.StoredFile(bytes.length, contentType, "blobs/x");
    when(jobs.stat(any(), eq("abcdefabcdef"), eq(path))).thenReturn(file);
    when(jobs.open(eq(file), anyLong(), anyLong()))
        .thenAnswer(call -> new java.io.ByteArrayInputStream(bytes));
  }

  @Test
  void activeOutputsAreDownloadsAndNoDataResponseMayRunInTheBrowser() throws Exception {
    byte[] html = "<script>alert(1)</script>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String[][] active = {
        {"work/page.html", "text/html; charset=utf-8"}, {"work/pic.svg", "image/svg+xml"},
        {"work/a.xhtml", "application/xhtml+xml"}, {"work/a.xml", "application/xml"}, {"work/b.xml", "text/xml"},
        {"work/a.js", "application/javascript"}, {"work/b.js", "text/javascript"},
        {"work/blob", "application/octet-stream"}, {"work/doc.pdf", "application/pdf"},
    };
    for (String[] c : active) {
      storedFile(c[0], c[1], html);
      for (var request : List.of(get("/api/v1/job/abcdefabcdef/data/" + c[0]),
          get("/api/v1/job/abcdefabcdef/data/" + c[0]).header("Range", "bytes=0-3"))) {
        mvc.perform(request)
            .andExpect(header().string("X-Content-Type-Options", "nosniff"))
            .andExpect(header().string("Content-Security-Policy", "sandbox; default-src 'none'"))
            .andExpect(header().string("Content-Disposition", Matchers.startsWith("attachment")));
      }
    }
    storedFile("work/table.csv", "text/csv; charset=utf-8", "a,b\n".getBytes());
    mvc.perform(get("/api/v1/job/abcdefabcdef/data/work/table.csv"))
        .andExpect(status().isOk())
        .andExpect(header().string("X-Content-Type-Options", "nosniff"))
        .andExpect(header().string("Content-Security-Policy", "sandbox; default-src 'none'"))
        .andExpect(header().doesNotExist("Content-Disposition"));
    mvc.perform(get("/api/v1/job/abcdefabcdef/data/work/table.csv").header("Range", "bytes=99-"))
        .andExpect(status().isRequestedRangeNotSatisfiable())
        .andExpect(header().string("X-Content-Type-Options", "nosniff"));
  }

  @Test
  void logsAreWrittenAsTextAndAnUnknownJobIsAJson404() throws Exception {
    when(jobs.logs(any(), eq("abcdefabcdef"))).thenReturn(out -> out.write("== validate: success ==\nok\n".getBytes()));
    when(jobs.logs(any(), eq("unknown00000"))).thenThrow(ApiException.notFound("no job with id unknown00000"));

    mvc.perform(get("/api/v1/job/abcdefabcdef/logs"))
        .andExpect(status().isOk())
        .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_PLAIN))
        .andExpect(content().string("== validate: success ==\nok\n"));
    mvc.perform(get("/api/v1/job/unknown00000/logs"))
        .andExpect(status().isNotFound()).andExpect(jsonPath("$.error").value("no job with id unknown00000"));
  }

  @Test
  void dataPathsThatBreakTheStoredNameRuleAreA400() throws Exception {
    // "a\\b" would reach the store as a key read as another name; no stored file has one. (A part with outer
    // spaces, as in "work/x ", is a valid name: it is found through the job's manifest, see JobFilesTest.)
    for (String path : List.of("./x", "a/./b", "work/../manifest.json", "a/", "work/a\\b")) {
      org.mockito.Mockito.doCallRealMethod().when(jobs).stat(any(), eq("abcdefabcdef"), any());
      mvc.perform(get("/api/v1/job/abcdefabcdef/data/" + path))
          .andExpect(status().isBadRequest())
          // Spring Security's firewall refuses '.' and '..' parts first; the data route refuses the rest.
          .andExpect(jsonPath("$.error").value(Matchers.anyOf(Matchers.startsWith("the file path "),
              Matchers.startsWith("the request path has a '.', '..' or empty part"))));
    }
  }
}
