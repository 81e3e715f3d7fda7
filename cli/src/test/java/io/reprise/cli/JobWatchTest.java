package io.reprise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobWatchTest {

  @Test
  void theBoardShowsEveryStepBeforeAnyEvent() {
    JobWatch watch = new JobWatch(null, new Style(false, true), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), true, 80);
    assertEquals(List.of("  · validate  waiting", "  · compile   waiting", "  · execute   waiting",
        "  · cleanup   waiting"), watch.board(Instant.now()));
  }
}
