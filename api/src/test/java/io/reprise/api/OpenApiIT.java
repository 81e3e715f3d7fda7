package io.reprise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reprise.activities.TestStack;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI description kept in the repository (api/openapi.json) is the one the API serves at /v3/api-docs.
 * When an endpoint changes, this fails; regenerate the file with
 * {@code curl -s http://127.0.0.1:8080/v3/api-docs | jq 'del(.servers)' > api/openapi.json}.
 */
class OpenApiIT {

  @Test
  void servedDescriptionMatchesTheOneInTheRepository() throws Exception {
    JsonNode served = new ApiClient().send(HttpRequest.newBuilder(URI.create(ApiClient.BASE + "/v3/api-docs"))
        .GET().build(), 200);
    ((ObjectNode) served).remove("servers");
    JsonNode kept = new ObjectMapper().readTree(Files.readString(TestStack.repoRoot().resolve("api/openapi.json")));

    assertEquals(kept, served, "api/openapi.json is stale; see this test's comment to regenerate it");
  }
}
