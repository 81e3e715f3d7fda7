package io.reprise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class CleanTest {

  @Test
  void colourAndCursorSequencesGoWhole() {
    assertEquals("red text", Clean.line("\u001B[31mred\u001B[0m text"));
    assertEquals("up", Clean.line("\u001B[2Aup"));
    assertEquals("cleared", Clean.line("\u001B[2J\u001B[Hcleared"));
  }

  @Test
  void aWindowTitleIsNeverSet() {
    assertEquals("before after", Clean.line("before \u001B]0;owned\u0007after"));
    assertEquals("x y", Clean.line("x \u001B]2;title\u001B\\y"));
    // Cut off before its terminator: the rest of the line is the title's, and goes.
    assertEquals("x ", Clean.line("x \u001B]0;no end"));
  }

  @Test
  void otherControlCharactersBecomeVisible() {
    assertEquals("a?b?c", Clean.line("a\rb\u0007c"));
    assertEquals("a?b", Clean.line("a\u0085b"));
    assertEquals("ab", Clean.line("a\u009B2Jb"));
    assertEquals("tab\tstays", Clean.line("tab\tstays"));
    assertEquals("one?two", Clean.line("one\ntwo"));
    assertEquals("?evil", Clean.line("\u202Eevil"));
  }

  @Test
  void textKeepsItsLines() {
    assertEquals("one\ntwo\nthree", Clean.text("one\r\ntwo\n\u001B[1mthree\u001B[0m"));
  }

  @Test
  void nothingEscapesInAnyControlCharacter() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0xA0; c++) {
      all.append(c).append('x');
    }
    String cleaned = Clean.line(all.toString());
    assertFalse(cleaned.chars().anyMatch(c -> (c < 0x20 && c != '\t') || (c >= 0x7F && c < 0xA0)), cleaned);
  }
}
