package io.reprise.workflows.jobs;

/** Keeps step texts small: the workflow history and every query carry them, so they must stay bounded. */
public final class StepText {

  /** The most characters a step text keeps; the newest lines win because they explain how a step ended. */
  public static final int MAX_CHARS = 4000;

  private StepText() {}

  /** The text itself when short enough, otherwise its last {@link #MAX_CHARS} characters from a line start. */
  public static String bound(String text) {
    if (text == null) {
      return "";
    }
    if (text.length() <= MAX_CHARS) {
      return text;
    }
    String tail = text.substring(text.length() - MAX_CHARS);
    int firstBreak = tail.indexOf('\n');
    String fromLineStart = firstBreak >= 0 && firstBreak < tail.length() - 1 ? tail.substring(firstBreak + 1) : tail;
    return "[… earlier lines in the full log]\n" + fromLineStart;
  }
}
