package io.reprise.cli;

import java.util.regex.Pattern;

/**
 * Makes text from the server safe to print on a terminal. Log lines, file names and error texts come from a
 * compendium's program or from whoever uploaded it, so an escape sequence in them could move the cursor, rewrite
 * what the user reads, or set the window title. Escape sequences go whole (CSI, OSC, and the other ESC forms);
 * every other control character, C1 included, becomes a visible '?'; tab stays (and newline where text may span
 * lines).
 */
final class Clean {

  // CSI: ESC [ params final; OSC, DCS, SOS, PM, APC: ESC ] ... up to BEL or ST (or the end, when cut off); other
  // two-byte ESC sequences; the 8-bit CSI (U+009B) with its parameters.
  private static final Pattern ESCAPES = Pattern.compile(
      "\u001B\\[[0-?]*[ -/]*[@-~]"
          + "|\u001B[\\]PX^_][^\u0007\u001B]*(?:\u0007|\u001B\\\\|$)"
          + "|\u009B[0-?]*[ -/]*[@-~]"
          + "|[\u0090\u009D\u0098\u009E\u009F][^\u0007\u001B\u009C]*(?:\u0007|\u001B\\\\|\u009C|$)"
          + "|\u001B[ -/]*[0-~]?");

  private Clean() {}

  /** One line: every control character but tab is gone or shown as '?', newlines and carriage returns too. */
  static String line(String text) {
    return clean(text, false);
  }

  /** Text of several lines: as {@link #line}, but newlines stay (a CR LF pair becomes a newline). */
  static String text(String text) {
    return clean(text, true);
  }

  private static String clean(String text, boolean keepNewlines) {
    if (text == null) {
      return "";
    }
    String stripped = ESCAPES.matcher(text).replaceAll("");
    StringBuilder out = new StringBuilder(stripped.length());
    for (int i = 0; i < stripped.length(); i++) {
      char c = stripped.charAt(i);
      if (c == '\t' || (keepNewlines && c == '\n')) {
        out.append(c);
      } else if (keepNewlines && c == '\r' && i + 1 < stripped.length() && stripped.charAt(i + 1) == '\n') {
        continue;
      } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == '\u2028' || c == '\u2029'
          || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')) {
        // C0, DEL, C1, line separators, and bidirectional overrides (which can make a name read backwards).
        out.append('?');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
