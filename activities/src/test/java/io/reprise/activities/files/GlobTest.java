package io.reprise.activities.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** reprise.yml's globs: the JDK's syntax and answers, in time linear in the pattern times the path. */
class GlobTest {

  private static final List<String> PATTERNS = List.of("**", "*", "results/**", "results/*", "results/run-*.log",
      "*.csv", "**/*.csv", "data/?.txt", "[abc]*", "[!abc]*", "[a-c]?", "{a,b}/**", "results/{x,y}*.{log,txt}",
      "a\\*b", "**/deep/*", "*/*/*", "r*s/*a*", "**.txt");
  private static final List<String> PATHS = List.of("a", "b", "x", "results", "results/a", "results/a/b",
      "results/run-1.log", "results/run-1.txt", "table.csv", "data/table.csv", "data/a.txt", "data/ab.txt", "ab",
      "ca", "z/y", "a/x/deep/f", "deep/f", "a*b", "axb", "results/xa.log", "results/y.txt", "r/s/t", "a/b/c",
      "rabs/zaz", "x.txt", "d/x.txt");

  @Test
  void answersAsTheJdksGlobDoes() {
    for (String pattern : PATTERNS) {
      var jdk = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      Glob glob = Glob.compile(pattern);
      for (String path : PATHS) {
        assertEquals(jdk.matches(Path.of(path)), glob.matches(path), pattern + " ~ " + path);
      }
    }
  }

  @Test
  void aPatternBuiltToBacktrackEndsAtOnce() {
    Glob glob = Glob.compile("*a*a*a*a*a*a*a*a*a*a*a*a*b");
    String name = "a".repeat(255);

    boolean matched = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> glob.matches(name));

    assertFalse(matched);
    assertTrue(glob.matches(name + "b"));
  }

  @Test
  void brokenPatternsAreRefusedWithTheReason() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Glob.compile("[")).getMessage().contains("'['"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Glob.compile("{a,b")).getMessage()
        .contains("'{'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Glob.compile("{a,{b}}")).getMessage()
        .contains("nested"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Glob.compile("{a,b}{c,d}{e,f}{g,h}{i,j}"))
        .getMessage().contains("more than"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Glob.compile("x".repeat(300))).getMessage()
        .contains("longer than"));
  }
}
