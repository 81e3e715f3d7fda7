package io.reprise.activities.compendia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile check on its own, with a fixed list of base images: what it refuses so that a build cannot reach
 * the network, another job's image or the build host, and what it still accepts.
 */
class DockerfileCheckTest {

  private static final List<String> BASE_IMAGES = List.of("reprise/busybox:latest", "reprise/python:latest");

  @TempDir
  Path dir;

  private DockerfileCheck.Result check(String dockerfile) throws IOException, InvalidCompendiumException {
    Path file = dir.resolve("Dockerfile");
    Files.writeString(file, dockerfile);
    return DockerfileCheck.check(file, () -> BASE_IMAGES);
  }

  private String refused(String dockerfile) {
    Path file = dir.resolve("Dockerfile");
    try {
      Files.writeString(file, dockerfile);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return assertThrows(InvalidCompendiumException.class,
        () -> DockerfileCheck.check(file, () -> BASE_IMAGES)).getMessage();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "ADD http://127.0.0.1:8080/api/v1/job /x",
      "ADD https://example.org/data.csv /x",
      "ADD ftp://127.0.0.1/file /x",
      "ADD HTTP://127.0.0.1:7243/ /x",
      "ADD git@github.com:someone/repo.git /x",
      "ADD github.com/someone/repo /x",
      "ADD file:///etc/passwd /x",
      "ADD [\"http://127.0.0.1:9000/\", \"/x\"]",
      "ADD --chown=1:1 local.txt http://127.0.0.1/ /x/",
      "add http://127.0.0.1:9000/ /x",
      "ADD --checksum=sha256:0123 local.txt /x",
      "ADD --keep-git-dir=true local.txt /x",
      "ADD --chown=0 [\"http://127.0.0.1:8080/api/v1/job\",\"/x\"]",
      "ADD --chmod=644 --chown=0 [\"local.txt\", \"https://example.org/x\", \"/x\"]"})
  void addFromTheNetworkIsRefusedNamingTheLine(String add) {
    String message = refused("FROM reprise/busybox\n" + add + "\n");

    assertTrue(message.startsWith("Dockerfile line 2: "), message);
    assertTrue(message.contains("ADD"), message);
  }

  @Test
  void aFormFeedAfterALineEndingBackslashCannotHideTheNextInstruction() {
    String message = refused("FROM reprise/busybox\nRUN echo \\\f\nADD http://127.0.0.1:8080/ /x\n");

    assertTrue(message.startsWith("Dockerfile line 2: a control character"), message);
  }

  @Test
  void addWhoseSourceHidesBehindAVariableIsRefused() {
    String message = refused("FROM reprise/busybox\nARG U=http://127.0.0.1:9000/\nADD $U /x\n");

    assertTrue(message.startsWith("Dockerfile line 3: "), message);
    assertTrue(message.contains("variable"), message);
  }

  @Test
  void addOfLocalFilesAndArchivesIsAccepted() throws Exception {
    DockerfileCheck.Result result = check("FROM reprise/busybox\nADD data.tar.gz /data/\nADD --chown=65534:65534 a.txt b"
        + ".txt /x/\nADD [\"c d.txt\", \"/y\"]\n");

    assertEquals("reprise/busybox", result.baseImage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "FROM reprise/busybox\\nCOPY --from=reprise/job-abc /work /stolen\\n|2",
      "FROM reprise/busybox\\nCOPY --from=reprise/python /usr /x\\n|2",
      "FROM reprise/busybox AS a\\nCOPY --from=b /x /y\\nFROM reprise/busybox AS b\\n|2",
      "FROM reprise/busybox AS a\\nCOPY --from=0 /x /y\\n|2",
      "FROM reprise/busybox\\nCOPY --from=1 /x /y\\nFROM reprise/busybox\\n|2",
      "FROM reprise/busybox\\nADD --from=reprise/job-abc /work /stolen\\n|2",
      "FROM reprise/busybox AS a\\nFROM reprise/busybox\\nCOPY --from=$S /x /y\\n|3"})
  void copyFromAnythingButAnEarlierStageIsRefused(String dockerfile, int line) {
    String message = refused(dockerfile.replace("\\n", "\n"));

    assertTrue(message.startsWith("Dockerfile line " + line + ": "), message);
    assertTrue(message.contains("--from"), message);
  }

  @Test
  void copyFromAnEarlierStageByNameOrIndexIsAccepted() throws Exception {
    DockerfileCheck.Result result = check("FROM reprise/python AS Build\nRUN echo x > /x\n"
        + "FROM reprise/busybox\nCOPY --from=build /x /x\nCOPY --from=0 /x /y\n");

    assertEquals("reprise/busybox", result.baseImage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "RUN --mount=type=bind,source=/,target=/host cat /host/etc/shadow",
      "RUN --network=host wget http://127.0.0.1:9000/",
      "RUN --security=insecure true",
      "run --mount=type=cache,target=/c true"})
  void runWithOptionsIsRefused(String run) {
    String message = refused("FROM reprise/busybox\n" + run + "\n");

    assertTrue(message.startsWith("Dockerfile line 2: "), message);
    assertTrue(message.contains("RUN --"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "FROM reprise/job-abc123",
      "FROM reprise/job-abc123:latest",
      "FROM REPRISE/JOB-ABC123",
      "FROM localhost:5000/reprise/job-abc123",
      "FROM docker.io/reprise/job-abc123:latest",
      "ARG B=reprise/job-abc123\nFROM $B",
      "ARG B=reprise/job-abc123\nFROM ${B}",
      "FROM reprise/busybox AS base\nFROM reprise/job-abc123"})
  void anotherJobsImageIsNoBase(String from) {
    String message = refused(from + "\nRUN true\n");

    assertTrue(message.contains("another job"), message);
    assertTrue(message.contains("reprise/busybox:latest, reprise/python:latest"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "FROM 64fe7c9ff3a4",
      "FROM sha256:64fe7c9ff3a44575b1b77874f7b7ba0f51fff1bf7587325f681a460a84ac6125",
      "FROM reprise/busybox@sha256:64fe7c9ff3a44575b1b77874f7b7ba0f51fff1bf7587325f681a460a84ac6125",
      "FROM REPRISE/BUSYBOX",
      "FROM rocker/r-ver:4.4",
      "ARG V=4.4\nFROM rocker/r-ver:${V:-4.3}"})
  void onlyABaseImageByItsTagIsABase(String from) {
    String message = refused(from + "\nRUN true\n");

    assertTrue(message.contains("available base images: reprise/busybox:latest, reprise/python:latest"), message);
  }

  @Test
  void missingBaseImageSaysItIsNotOnThisServer() {
    String message = refused("ARG BASE=rocker/r-ver:4.4\nFROM ${BASE}\nRUN true\n");

    assertTrue(message.contains("rocker/r-ver:4.4 is not on this server"), message);
  }

  @Test
  void baseImageByTagWithArgsAndStagesIsAccepted() throws Exception {
    DockerfileCheck.Result result = check("ARG IMAGE=reprise/python\nARG TAG=latest\n"
        + "FROM ${IMAGE}:$TAG AS build\nRUN true\nFROM build\nRUN true\n");

    assertEquals("reprise/python:latest", result.baseImage());
    assertEquals(List.of("reprise/python:latest"), result.baseImages());
  }

  @Test
  void onbuildInstructionsAreCheckedLikeTheirOwn() {
    String message = refused("FROM reprise/busybox\nONBUILD ADD http://127.0.0.1:9000/ /x\n");

    assertTrue(message.startsWith("Dockerfile line 2: "), message);
  }

  @Test
  void escapeDirectiveIsRefusedSinceItCouldHideAUrl() {
    String message = refused("# escape=`\nFROM reprise/busybox\nADD ht`tp://127.0.0.1:9000/ /x\n");

    assertTrue(message.contains("escape"), message);
  }
}
