package io.reprise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseTest {

  private static List<Sse.Event> read(String stream) throws IOException {
    List<Sse.Event> events = new ArrayList<>();
    Sse.read(new BufferedReader(new StringReader(stream)), events::add);
    return events;
  }

  @Test
  void readsTheJobStreamAsSpringSendsIt() throws IOException {
    List<Sse.Event> events = read("event:step\ndata:{\"step\":\"execute\",\"status\":\"running\"}\n\n"
        + "event:log\ndata:execute: read 7 rows\n\nevent:end\ndata:{\"status\":\"success\"}\n\n");
    assertEquals(List.of(new Sse.Event("step", "{\"step\":\"execute\",\"status\":\"running\"}"),
        new Sse.Event("log", "execute: read 7 rows"), new Sse.Event("end", "{\"status\":\"success\"}")), events);
  }

  @Test
  void joinsDataLinesDropsOneSpaceAndIgnoresComments() throws IOException {
    List<Sse.Event> events = read(": keep-alive\r\nevent: log\r\ndata:  two spaces\r\ndata:second\r\nid: 3\r\n\r\n"
        + "data:no name\n\n");
    assertEquals(List.of(new Sse.Event("log", " two spaces\nsecond"), new Sse.Event("message", "no name")),
        events);
  }

  @Test
  void anEventWithoutItsBlankLineIsNotDispatched() throws IOException {
    assertEquals(List.of(), read("event:end\ndata:{\"status\":\"success\"}\n"));
    assertEquals(List.of(), read("event:end\n\n"));
  }

  @Test
  void theConsumerStopsTheReading() throws IOException {
    List<String> seen = new ArrayList<>();
    boolean stopped = Sse.read(new BufferedReader(new StringReader("event:end\ndata:x\n\nevent:log\ndata:y\n\n")),
        event -> {
          seen.add(event.name());
          return !event.name().equals("end");
        });
    assertTrue(stopped);
    assertEquals(List.of("end"), seen);
    assertFalse(Sse.read(new BufferedReader(new StringReader("data:x\n\n")), event -> true));
  }
}
