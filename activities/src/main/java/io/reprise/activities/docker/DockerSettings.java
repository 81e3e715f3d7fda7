package io.reprise.activities.docker;

/**
 * How to reach the Docker engine, e.g. unix:///var/run/docker.sock, and the registry job images go to (null: none,
 * every image stays on the engine that built it).
 */
public record DockerSettings(String host, ImageRegistry registry) {

  public DockerSettings(String host) {
    this(host, null);
  }
}
