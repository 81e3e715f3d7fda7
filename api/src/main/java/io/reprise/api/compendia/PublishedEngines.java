package io.reprise.api.compendia;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reprise.activities.compendia.DockerfileCheck;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StoreKeys;
import io.reprise.activities.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base images the workers' engines have, as each worker host publishes them to the store every minute
 * ({@code engines/<host>.json}). The API does not talk to Docker; this is how an upload learns which {@code FROM}
 * images a build could use. A host that has not published for ten minutes is taken to be gone.
 */
public class PublishedEngines {

  /** Ten missed publications: the host's workers are down, and its list may no longer be true. */
  static final Duration FRESH = Duration.ofMinutes(10);

  private static final Logger log = LoggerFactory.getLogger(PublishedEngines.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ArtifactStore store;
  private final Clock clock;

  public PublishedEngines(ArtifactStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Engine(String host, String updated, @JsonProperty("base_images") List<String> baseImages) {}

  /**
   * The base images any fresh engine has, each as {@link DockerfileCheck#reference}; empty when no engine has published
   * lately, in which case the caller cannot tell and leaves the check to validate.
   */
  public Optional<Set<String>> baseImages() {
    Instant oldest = clock.instant().minus(FRESH);
    Set<String> images = new TreeSet<>();
    boolean any = false;
    for (StoredObject object : store.list(StoreKeys.ENGINES_PREFIX)) {
      Optional<Engine> engine = read(object.key());
      if (engine.isPresent() && isAfter(engine.get().updated(), oldest) && engine.get().baseImages() != null) {
        any = true;
        engine.get().baseImages().forEach(image -> images.add(DockerfileCheck.reference(image)));
      }
    }
    return any ? Optional.of(images) : Optional.empty();
  }

  private Optional<Engine> read(String key) {
    Optional<InputStream> in = store.open(key);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream stream = in.get()) {
      return Optional.of(JSON.readValue(stream, Engine.class));
    } catch (IOException e) {
      // One worker's bad file must not refuse every upload; the other engines still count.
      log.warn("ignoring the unreadable engine list {}: {}", key, e.getMessage());
      return Optional.empty();
    }
  }

  private static boolean isAfter(String updated, Instant oldest) {
    try {
      return updated != null && Instant.parse(updated).isAfter(oldest);
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
