package io.reprise.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the client finds its server and token, from the environment it was started in (a map, so tests give their
 * own). The server: {@code --server}, else {@code REPRISE_URL}, else the one saved at login, else the local
 * default. The token: {@code REPRISE_TOKEN}, else the saved one. The config folder follows the XDG base directory
 * rules: {@code $XDG_CONFIG_HOME/reprise}, else {@code ~/.config/reprise}.
 */
record Settings(Map<String, String> env) {

  static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

  static Settings fromSystem() {
    return new Settings(System.getenv());
  }

  TokenFile tokenFile() {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
        : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
    return new TokenFile(base.resolve("reprise"));
  }

  /** The server URL, without a trailing slash. */
  String server(String option) {
    String url = nonBlank(option).or(() -> nonBlank(env.get("REPRISE_URL"))).or(() -> tokenFile().server())
        .orElse(DEFAULT_SERVER);
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new CliException("the server URL must start with http:// or https://: " + Clean.line(url));
    }
    return url;
  }

  /** The token to send, if any. */
  Optional<String> token() {
    return nonBlank(env.get("REPRISE_TOKEN")).or(() -> tokenFile().token());
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }
}
