package io.reprise.api.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogFollowerTest {

  @Test
  void sendsOnlyLinesAfterThoseAlreadySentWhenTheTailSlides() {
    assertEquals(List.of("c", "d"), LogFollower.newLines(List.of("a", "b"), List.of("b", "c", "d")));
  }

  @Test
  void finishedStepWithASummaryAboveItsTailRepeatsNothing() {
    List<String> running = List.of("line 1", "line 2", "line 3");
    List<String> finished = List.of("exited with code 0", "line 1", "line 2", "line 3");

    assertEquals(List.of(), LogFollower.newLines(running, finished));
  }

  @Test
  void firstTextIsSentWhole() {
    assertEquals(List.of("x", "y"), LogFollower.newLines(List.of(), List.of("x", "y")));
  }
}
