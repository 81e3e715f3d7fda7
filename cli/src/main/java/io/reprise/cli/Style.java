package io.reprise.cli;

/**
 * Colours and whether to use them: only when asked, or (auto) when stdout is a terminal and {@code NO_COLOR} is
 * not set (https://no-color.org). Colour never carries meaning alone: every status is also a word.
 */
record Style(boolean color, boolean terminal) {

  static final String RESET = "\u001B[0m";

  /** The style for stdout: {@code mode} is auto, always or never. */
  static Style of(String mode, boolean stdoutIsTerminal, String noColor) {
    boolean color = switch (mode == null ? "auto" : mode) {
      case "always" -> true;
      case "never" -> false;
      default -> stdoutIsTerminal && (noColor == null || noColor.isEmpty());
    };
    return new Style(color, stdoutIsTerminal);
  }

  String red(String text) {
    return paint("31", text);
  }

  String green(String text) {
    return paint("32", text);
  }

  String yellow(String text) {
    return paint("33", text);
  }

  String cyan(String text) {
    return paint("36", text);
  }

  String bold(String text) {
    return paint("1", text);
  }

  String dim(String text) {
    return paint("2", text);
  }

  /** A job's or step's status in its colour: green success, red failure, yellow running, plain otherwise. */
  String status(String status) {
    String text = Clean.line(status);
    if (status == null) {
      return "";
    }
    return switch (status) {
      case "success", "reproduced", "identical", "done" -> green(text);
      case "failure", "failed", "not_reproduced", "different", "only_in_a", "only_in_b", "error" -> red(text);
      case "running", "cancelling", "cancelled" -> yellow(text);
      default -> text;
    };
  }

  private String paint(String code, String text) {
    return color ? "\u001B[" + code + "m" + text + RESET : text;
  }
}
