package io.reprise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

  @TempDir
  Path home;

  @Test
  void theTokenIsMode600InAFolderOf700() throws IOException {
    TokenFile file = new Settings(Map.of("HOME", home.toString())).tokenFile();
    assertEquals(home.resolve(".config/reprise"), file.folder());
    file.save("rpr_secret", "http://127.0.0.1:8080");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.tokenPath())));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.folder())));
    assertEquals(Optional.of("rpr_secret"), file.token());
    assertEquals(Optional.of("http://127.0.0.1:8080"), file.server());
    // Nothing else is left in the folder: no temporary file with the token in it.
    try (var entries = Files.list(file.folder())) {
      assertEquals(2, entries.count());
    }
  }

  @Test
  void aWiderFolderIsNarrowedAndAnOldTokenReplaced() throws IOException {
    Path folder = home.resolve("config/reprise");
    Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(folder.resolve("token"), "old");
    Files.setPosixFilePermissions(folder.resolve("token"), PosixFilePermissions.fromString("rw-r--r--"));
    TokenFile file = new Settings(Map.of("HOME", "/nonexistent", "XDG_CONFIG_HOME", home.resolve("config").toString()))
        .tokenFile();
    file.save("rpr_new", "http://x");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.tokenPath())));
    assertEquals(Optional.of("rpr_new"), file.token());
    assertTrue(file.delete());
    assertFalse(file.delete());
    assertEquals(Optional.empty(), file.token());
  }

  @Test
  void theEnvironmentOverridesTheSavedLogin() {
    TokenFile file = new Settings(Map.of("HOME", home.toString())).tokenFile();
    file.save("rpr_saved", "http://saved:1/");
    assertEquals("http://saved:1", new Settings(Map.of("HOME", home.toString())).server(null));
    assertEquals("http://env:2", new Settings(Map.of("HOME", home.toString(), "REPRISE_URL", "http://env:2"))
        .server(null));
    assertEquals("http://option:3", new Settings(Map.of("HOME", home.toString(), "REPRISE_URL", "http://env:2"))
        .server("http://option:3/"));
    assertEquals(Optional.of("rpr_env"), new Settings(Map.of("HOME", home.toString(), "REPRISE_TOKEN", "rpr_env"))
        .token());
    assertEquals(Optional.of("rpr_saved"), new Settings(Map.of("HOME", home.toString())).token());
    assertEquals(Settings.DEFAULT_SERVER, new Settings(Map.of("HOME", home.resolve("none").toString())).server(null));
  }
}
