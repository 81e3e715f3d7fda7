package io.reprise.activities.docker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One fenced run: the image, the container's name (derived from the job, so a retry finds an earlier container),
 * the folder mounted read-write as the working directory, the command (null for the image's own), the user it
 * runs as, its limits, where its log goes and how much of it is kept.
 */
public record RunSpec(String image, String containerName, Path workDir, List<String> command, String user,
    long memoryBytes, double cpus, long pidsLimit, Duration timeout, Path logFile, long maxLogBytes) {}
