package io.reprise.activities.docker;

/** How to reach the Docker engine, e.g. unix:///var/run/docker.sock. */
public record DockerSettings(String host) {}
