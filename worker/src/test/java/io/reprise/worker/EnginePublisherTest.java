package io.reprise.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.docker.ContainerEngine;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StorageException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The engine list a worker publishes for the API: its key and fields, and a store outage that passes. */
class EnginePublisherTest {

  private final ContainerEngine engine = mock(ContainerEngine.class);
  private final ArtifactStore store = mock(ArtifactStore.class);
  private final EnginePublisher publisher = new EnginePublisher(engine, store, "host-a",
      Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC));

  @Test
  void publishesTheBaseImagesUnderTheHostsKey() throws Exception {
    when(engine.baseImages()).thenReturn(List.of("reprise/busybox:latest", "python:3.12-slim"));
    ArgumentCaptor<InputStream> body = ArgumentCaptor.forClass(InputStream.class);

    publisher.publish();

    verify(store).put(eq("engines/host-a.json"), body.capture(), anyLong(), eq("application/json"));
    JsonNode published = new ObjectMapper().readTree(body.getValue());
    assertEquals("host-a", published.get("host").asText());
    assertEquals("2026-06-01T12:00:00Z", published.get("updated").asText());
    assertEquals(List.of("reprise/busybox:latest", "python:3.12-slim"),
        List.of(published.get("base_images").get(0).asText(), published.get("base_images").get(1).asText()));
  }

  @Test
  void anEngineOrStoreOutageIsLoggedAndTriedAgainNextTime() {
    when(engine.baseImages()).thenThrow(new IllegalStateException("Docker is not answering"));
    publisher.publish();
    verify(store, never()).put(anyString(), any(InputStream.class), anyLong(), anyString());

    org.mockito.Mockito.doReturn(List.of()).when(engine).baseImages();
    doThrow(new StorageException("MinIO is down", null)).when(store)
        .put(anyString(), any(InputStream.class), anyLong(), anyString());
    publisher.publish();
  }
}
