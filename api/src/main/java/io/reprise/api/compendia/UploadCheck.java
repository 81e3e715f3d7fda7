package io.reprise.api.compendia;

import io.reprise.activities.docker.ImageRegistry;
import io.reprise.activities.compendia.BagCheck;
import io.reprise.activities.compendia.CompendiumManifest;
import io.reprise.activities.compendia.DockerfileCheck;
import io.reprise.activities.compendia.InvalidCompendiumException;
import io.reprise.activities.compendia.ManifestLimits;
import io.reprise.activities.compendia.UnpackSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Validate's static checks, run on an upload as soon as it is unpacked, so that a compendium that cannot run is
 * refused at once with every problem named instead of failing a job later: the archive holds files; a BagIt bag
 * verifies; a Dockerfile is at the top (of {@code data/} in a bag) and parses; reprise.yml is valid; and every
 * {@code FROM} image is on some worker's engine, when the workers have said which images they have. Validate
 * runs all of these again on the worker that takes the job, against its own engine and limits.
 */
class UploadCheck {

  /**
   * The API does not know the workers' limits, so reprise.yml is read with limits no value exceeds: only its
   * syntax and keys are checked here, and the worker caps the values.
   */
  private static final ManifestLimits ANY = new ManifestLimits(Duration.ofMinutes(10), Duration.ofDays(3650),
      512L << 20, Long.MAX_VALUE, 1, Double.MAX_VALUE);

  private final PublishedEngines engines;
  private final ImageRegistry registry;

  UploadCheck(PublishedEngines engines) {
    this(engines, null);
  }

  /** @param registry the registry whose images a Dockerfile may pin by digest (REPRISE_REGISTRY); null for none */
  UploadCheck(PublishedEngines engines, ImageRegistry registry) {
    this.engines = engines;
    this.registry = registry;
  }

  /** The problems of the unpacked compendium, in the order a user would fix them; empty when there are none. */
  List<String> problems(Path files, UnpackSummary summary) {
    if (summary.files() == 0) {
      return List.of("the archive holds no files");
    }
    List<String> problems = new ArrayList<>();
    Path root = files;
    String where = "at its top level";
    if (BagCheck.isBag(files)) {
      root = files.resolve("data");
      where = "in the payload folder data/ of the BagIt bag";
      try {
        BagCheck.verify(files);
      } catch (InvalidCompendiumException e) {
        problems.add(e.getMessage());
      }
    }
    Path dockerfile = root.resolve("Dockerfile");
    if (!Files.isRegularFile(dockerfile, LinkOption.NOFOLLOW_LINKS)) {
      problems.add("the compendium has no Dockerfile " + where);
    } else {
      Optional<Set<String>> images = engines.baseImages();
      try {
        if (images.isPresent()) {
          DockerfileCheck.check(dockerfile, () -> List.copyOf(images.get()), registry);
        } else {
          DockerfileCheck.checkWithoutEngine(dockerfile, registry);
        }
      } catch (InvalidCompendiumException e) {
        problems.add(e.getMessage());
      } catch (IOException e) {
        problems.add("the Dockerfile cannot be read as UTF-8 text");
      }
    }
    try {
      CompendiumManifest.read(root, ANY);
    } catch (InvalidCompendiumException e) {
      problems.add(e.getMessage());
    } catch (IOException e) {
      problems.add(CompendiumManifest.FILE_NAME + " cannot be read");
    }
    return problems;
  }
}
