package io.reprise.activities.files;

import java.util.ArrayList;
import java.util.List;

/**
 * A glob of {@code reprise.yml} ({@code outputs}, {@code ignore}), matched in time linear in the pattern times the
 * path. The JDK's glob matcher translates to a backtracking regular expression, so a pattern such as
 * {@code *a*a*a*a*a*b} against a long name of {@code a}s takes time that grows as a power of the name's length;
 * a compendium chooses both. The syntax is the JDK's: {@code *} (any characters but {@code /}), {@code **} (any
 * characters), {@code ?}, {@code [abc]}, {@code [a-z]}, {@code [!abc]}, {@code {a,b}} (not nested), and {@code \}
 * to escape.
 */
public final class Glob {

  /** Longest pattern, in characters. */
  public static final int MAX_LENGTH = 256;
  /** Most alternatives one pattern's braces may expand to. */
  public static final int MAX_ALTERNATIVES = 16;

  private enum Kind { LITERAL, ANY, STAR, DOUBLE_STAR, CLASS }

  private record Token(Kind kind, char literal, String set, boolean negated) {

    boolean accepts(char c) {
      return switch (kind) {
        case LITERAL -> c == literal;
        case ANY -> c != '/';
        case CLASS -> c != '/' && inSet(c) != negated;
        default -> throw new IllegalStateException("stars match runs, not characters");
      };
    }

    private boolean inSet(char c) {
      for (int i = 0; i < set.length(); i++) {
        if (i + 2 < set.length() && set.charAt(i + 1) == '-') {
          if (c >= set.charAt(i) && c <= set.charAt(i + 2)) {
            return true;
          }
          i += 2;
        } else if (set.charAt(i) == c) {
          return true;
        }
      }
      return false;
    }
  }

  private final String pattern;
  private final List<List<Token>> alternatives;

  private Glob(String pattern, List<List<Token>> alternatives) {
    this.pattern = pattern;
    this.alternatives = alternatives;
  }

  /** The glob, or IllegalArgumentException saying what is wrong with it. */
  public static Glob compile(String pattern) {
    if (pattern == null || pattern.isEmpty()) {
      throw new IllegalArgumentException("an empty pattern");
    }
    if (pattern.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("a pattern longer than " + MAX_LENGTH + " characters");
    }
    List<List<Token>> alternatives = new ArrayList<>();
    for (String expanded : expandBraces(pattern)) {
      alternatives.add(tokens(expanded));
    }
    return new Glob(pattern, alternatives);
  }

  public String pattern() {
    return pattern;
  }

  public boolean matches(String path) {
    for (List<Token> tokens : alternatives) {
      if (matches(tokens, path)) {
        return true;
      }
    }
    return false;
  }

  /** Dynamic programming over (token, position): each pair is decided once. */
  private static boolean matches(List<Token> tokens, String path) {
    int n = tokens.size();
    int m = path.length();
    boolean[] next = new boolean[n + 1];
    boolean[] current = new boolean[n + 1];
    for (int j = m; j >= 0; j--) {
      current[n] = j == m;
      for (int i = n - 1; i >= 0; i--) {
        Token token = tokens.get(i);
        boolean more = j < m;
        current[i] = switch (token.kind()) {
          case STAR -> current[i + 1] || more && path.charAt(j) != '/' && next[i];
          case DOUBLE_STAR -> current[i + 1] || more && next[i];
          default -> more && token.accepts(path.charAt(j)) && next[i + 1];
        };
      }
      boolean[] swap = next;
      next = current;
      current = swap;
    }
    return next[0];
  }

  private static List<String> expandBraces(String pattern) {
    int open = -1;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        int close = pattern.indexOf(']', i + 1);
        i = close < 0 ? i : close;
      } else if (c == '{') {
        open = i;
        break;
      } else if (c == '}') {
        throw new IllegalArgumentException("a '}' without its '{'");
      }
    }
    if (open < 0) {
      return List.of(pattern);
    }
    int close = pattern.indexOf('}', open);
    if (close < 0) {
      throw new IllegalArgumentException("a '{' without its '}'");
    }
    String inside = pattern.substring(open + 1, close);
    if (inside.contains("{")) {
      throw new IllegalArgumentException("nested '{' groups");
    }
    List<String> expanded = new ArrayList<>();
    for (String choice : inside.split(",", -1)) {
      for (String rest : expandBraces(pattern.substring(close + 1))) {
        expanded.add(pattern.substring(0, open) + choice + rest);
        if (expanded.size() > MAX_ALTERNATIVES) {
          throw new IllegalArgumentException("braces that expand to more than " + MAX_ALTERNATIVES + " patterns");
        }
      }
    }
    return expanded;
  }

  private static List<Token> tokens(String pattern) {
    List<Token> tokens = new ArrayList<>();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      switch (c) {
        case '\\' -> {
          if (i + 1 == pattern.length()) {
            throw new IllegalArgumentException("a '\\' at the end");
          }
          tokens.add(new Token(Kind.LITERAL, pattern.charAt(++i), null, false));
        }
        case '?' -> tokens.add(new Token(Kind.ANY, c, null, false));
        case '*' -> {
          boolean twice = i + 1 < pattern.length() && pattern.charAt(i + 1) == '*';
          i += twice ? 1 : 0;
          Kind kind = twice ? Kind.DOUBLE_STAR : Kind.STAR;
          // Runs of stars match what their widest member matches; one token does the same in less time.
          if (!tokens.isEmpty() && (tokens.get(tokens.size() - 1).kind() == Kind.STAR
              || tokens.get(tokens.size() - 1).kind() == Kind.DOUBLE_STAR)) {
            Token last = tokens.remove(tokens.size() - 1);
            kind = last.kind() == Kind.DOUBLE_STAR ? Kind.DOUBLE_STAR : kind;
          }
          tokens.add(new Token(kind, c, null, false));
        }
        case '[' -> {
          int close = i + 2 < pattern.length() ? pattern.indexOf(']', i + 2) : -1;
          if (close < 0) {
            throw new IllegalArgumentException("a '[' without its ']'");
          }
          boolean negated = pattern.charAt(i + 1) == '!' || pattern.charAt(i + 1) == '^';
          String set = pattern.substring(i + (negated ? 2 : 1), close);
          if (set.isEmpty()) {
            throw new IllegalArgumentException("an empty '[]'");
          }
          tokens.add(new Token(Kind.CLASS, c, set, negated));
          i = close;
        }
        default -> tokens.add(new Token(Kind.LITERAL, c, null, false));
      }
    }
    return tokens;
  }

  /** The globs that compile; a bad one (from a job recorded before globs were checked) matches nothing. */
  public static List<Glob> compileValid(List<String> patterns) {
    List<Glob> globs = new ArrayList<>();
    for (String pattern : patterns) {
      try {
        globs.add(compile(pattern));
      } catch (IllegalArgumentException bad) {
        // Validate refuses such a pattern now; an old job's is left out rather than failing its cleanup or compare.
      }
    }
    return globs;
  }

  @Override
  public String toString() {
    return pattern;
  }
}
