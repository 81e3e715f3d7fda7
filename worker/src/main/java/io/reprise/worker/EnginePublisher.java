package io.reprise.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.docker.ContainerEngine;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Publishes this host's engine's base images to the store ({@code engines/<host>.json}) at startup and every
 * minute, so that the API, which never talks to Docker, can refuse an upload whose {@code FROM} image no worker
 * has. Workers of one host share an engine and write the same key; the newest write wins, which is as true.
 */
@Component
@EnableScheduling
class EnginePublisher {

  private static final Logger log = LoggerFactory.getLogger(EnginePublisher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ContainerEngine engine;
  private final ArtifactStore store;
  private final String host;
  private final Clock clock;

  @Autowired
  EnginePublisher(ContainerEngine engine, ArtifactStore store, WorkerProperties properties) {
    this(engine, store, properties.temporal().workerHost(), Clock.systemUTC());
  }

  EnginePublisher(ContainerEngine engine, ArtifactStore store, String host, Clock clock) {
    this.engine = engine;
    this.store = store;
    this.host = host;
    this.clock = clock;
  }

  /** What the API reads; the field names are the store's contract. */
  record Published(String host, String updated, @JsonProperty("base_images") List<String> baseImages) {}

  @Scheduled(initialDelay = 0, fixedDelay = 60_000)
  void publish() {
    try {
      byte[] json = JSON.writeValueAsBytes(new Published(host, clock.instant().toString(),
          List.copyOf(engine.baseImages())));
      store.put(StoreKeys.engine(host), new ByteArrayInputStream(json), json.length, "application/json");
    } catch (JsonProcessingException | RuntimeException e) {
      // Docker or MinIO is down for a moment: the next minute tries again, and until then the API reads the last
      // list (or, after ten minutes, none, and leaves the image check to validate).
      log.warn("could not publish the engine's base images: {}", e.getMessage());
    }
  }
}
