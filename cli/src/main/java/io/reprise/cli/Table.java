package io.reprise.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A plain text table: a header and rows, columns padded to their widest cell, two spaces apart. Cells may carry
 * colour (added by {@link Style} after cleaning), which takes no room, so widths count only what is seen. The last
 * column is not padded, so no line ends in spaces.
 */
final class Table {

  private static final Pattern SGR = Pattern.compile("\u001B\\[[0-9;]*m");

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... header) {
    this.header = List.of(header);
  }

  Table row(String... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.size());
    }
    List<String> row = new ArrayList<>();
    for (String cell : cells) {
      row.add(cell == null ? "" : cell);
    }
    rows.add(row);
    return this;
  }

  int size() {
    return rows.size();
  }

  /** The table as lines, each ending in a newline; the header in upper case. */
  String render() {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], visibleLength(row.get(i)));
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, header.stream().map(String::toUpperCase).toList(), widths);
    for (List<String> row : rows) {
      line(out, row, widths);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      line.append(cell);
      if (i < cells.size() - 1) {
        line.append(" ".repeat(widths[i] - visibleLength(cell) + 2));
      }
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  /** The number of characters a terminal shows for the text: colour codes take none. */
  static int visibleLength(String text) {
    return SGR.matcher(text).replaceAll("").codePointCount(0, SGR.matcher(text).replaceAll("").length());
  }
}
