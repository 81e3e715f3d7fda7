package io.reprise.activities.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cgroup (v1, cgroupfs driver) that is the cgroup parent of one build's step containers. The build API has no
 * pids limit, but it takes a cgroup parent, and a parent's pids.max bounds every process below it: so a fork bomb
 * in a RUN step meets the limit instead of the host's. It needs a writable pids controller and an engine that sees
 * the same cgroup tree (true when the worker and dockerd share a host as root); without them the build runs with
 * no process limit, and says so.
 */
final class BuildCgroup {

  private static final Logger log = LoggerFactory.getLogger(BuildCgroup.class);

  /** Where cgroup v1 controllers are mounted. */
  static final Path ROOT = Path.of("/sys/fs/cgroup");
  private static final String PARENT = "reprise-build";

  private final Path root;
  private final String name;

  private BuildCgroup(Path root, String name) {
    this.root = root;
    this.name = name;
  }

  /** Creates the group with its pids.max; null (and why, in the log) when this host cannot. */
  static BuildCgroup create(Path root, String buildName, long pids) {
    String name = buildName.replaceAll("[^A-Za-z0-9_.-]", "-");
    Path pidsDir = root.resolve("pids").resolve(PARENT).resolve(name);
    if (pids <= 0 || !Files.isWritable(root.resolve("pids"))) {
      return null;
    }
    try {
      Files.createDirectories(pidsDir);
      Files.writeString(pidsDir.resolve("pids.max"), String.valueOf(pids));
      return new BuildCgroup(root, name);
    } catch (IOException e) {
      log.warn("no process limit for build {}: could not prepare cgroup {}: {}", buildName, pidsDir, e.getMessage());
      return null;
    }
  }

  /** The cgroup parent as the engine takes it. */
  String parent() {
    return "/" + PARENT + "/" + name;
  }

  /** Ids of the containers that still have a cgroup below this one: the build's steps that have not ended. */
  List<String> containers() {
    List<String> ids = new ArrayList<>();
    try (Stream<Path> children = Files.list(root.resolve("pids").resolve(PARENT).resolve(name))) {
      children.filter(Files::isDirectory).forEach(dir -> ids.add(dir.getFileName().toString()));
    } catch (IOException e) {
      log.debug("cannot list cgroup {}: {}", parent(), e.getMessage());
    }
    return ids;
  }

  /**
   * Removes the group from every controller (the engine made it in each); one that still holds a step container
   * stays, empty groups cost nothing.
   */
  void remove() {
    try (Stream<Path> controllers = Files.list(root)) {
      controllers.map(controller -> controller.resolve(PARENT).resolve(name)).filter(Files::isDirectory)
          .forEach(dir -> {
            try {
              Files.delete(dir);
            } catch (IOException e) {
              log.debug("cgroup {} stays: {}", dir, e.getMessage());
            }
          });
    } catch (IOException e) {
      log.debug("cannot list cgroup controllers under {}: {}", root, e.getMessage());
    }
  }
}
