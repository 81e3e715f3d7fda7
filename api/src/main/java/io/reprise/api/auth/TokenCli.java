package io.reprise.api.auth;

import ch.qos.logback.classic.Level;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.MinioSettings;
import io.reprise.activities.storage.StorageException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar reprise-api.jar token ...}: mints, lists and revokes Reprise tokens straight in the store,
 * without starting the API, so it works whether the service runs or not. docker/service token runs it with the
 * stack's MinIO settings and the instance's bucket. Minting prints the token and nothing else on stdout.
 *
 * <pre>
 *   token --user NAME --role ROLE     mint a token; prints it
 *   token list                        id, user, role, created, revoked of every token
 *   token revoke ID                   revoke the token with that id
 * </pre>
 */
public final class TokenCli {

  static final String USAGE = "usage: token --user NAME --role ROLE | token list | token revoke ID";

  private TokenCli() {}

  /** Runs the command on the bucket the environment names; answers the exit code. */
  public static int main(List<String> args, Map<String, String> environment, PrintStream out, PrintStream err) {
    // Nothing but the token may reach stdout: the store's client logs, if at all, to stderr and only warnings.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.WARN);
    PrintStream stdout = System.out;
    System.setOut(err);
    try {
      String endpoint = environment.getOrDefault("REPRISE_MINIO_ENDPOINT", "http://127.0.0.1:9000");
      String accessKey = environment.get("REPRISE_MINIO_ACCESS_KEY");
      String secretKey = environment.get("REPRISE_MINIO_SECRET_KEY");
      String bucket = environment.getOrDefault("REPRISE_MINIO_BUCKET", "reprise");
      if (accessKey == null || secretKey == null) {
        err.println("token: REPRISE_MINIO_ACCESS_KEY and REPRISE_MINIO_SECRET_KEY must be set (docker/service "
            + "token sets them from the stack)");
        return 2;
      }
      return run(args, () -> new TokenStore(MinioArtifactStore.connect(new MinioSettings(endpoint, accessKey,
          secretKey, bucket)), Duration.ZERO), out, err);
    } finally {
      System.setOut(stdout);
    }
  }

  /** Who acts from the shell: the login that ran the command. */
  private static String shell() {
    return "shell:" + System.getProperty("user.name", "unknown");
  }

  /** The command itself, on whatever store the supplier opens (only once the arguments are known to be good). */
  static int run(List<String> args, java.util.function.Supplier<TokenStore> opener, PrintStream out,
      PrintStream err) {
    List<String> rest = new ArrayList<>(args);
    try {
      if (rest.isEmpty()) {
        err.println(USAGE);
        return 2;
      }
      switch (rest.get(0)) {
        case "list" -> {
          if (rest.size() != 1) {
            err.println(USAGE);
            return 2;
          }
          List<TokenStore.TokenInfo> tokens = opener.get().list();
          out.printf("%-12s  %-24s  %-9s  %-30s  %s%n", "ID", "USER", "ROLE", "CREATED", "REVOKED");
          for (TokenStore.TokenInfo token : tokens) {
            out.printf("%-12s  %-24s  %-9s  %-30s  %s%n", token.id(), token.user(), token.role(),
                token.createdAt(), token.revokedAt() == null ? "-" : token.revokedAt());
          }
          return 0;
        }
        case "revoke" -> {
          if (rest.size() != 2) {
            err.println(USAGE);
            return 2;
          }
          Optional<TokenStore.TokenInfo> revoked = opener.get().revoke(rest.get(1), shell());
          if (revoked.isEmpty()) {
            err.println("token: no token has the id " + rest.get(1));
            return 1;
          }
          err.println("token " + revoked.get().id() + " of " + revoked.get().user() + " is revoked (API instances "
              + "that cached it refuse it within seconds)");
          return 0;
        }
        default -> {
          String user = null;
          String role = null;
          for (int i = 0; i < rest.size(); i += 2) {
            if (i + 1 >= rest.size()) {
              err.println(USAGE);
              return 2;
            }
            switch (rest.get(i)) {
              case "--user" -> user = rest.get(i + 1);
              case "--role" -> role = rest.get(i + 1);
              default -> {
                err.println("token: unknown option " + rest.get(i) + "; " + USAGE);
                return 2;
              }
            }
          }
          if (user == null || role == null) {
            err.println("token: both --user and --role are needed; " + USAGE);
            return 2;
          }
          if (Role.find(role).isEmpty()) {
            err.println("token: unknown role '" + role + "'; roles are " + Role.names());
            return 2;
          }
          if (!TokenStore.isValidUser(user)) {
            err.println("token: the user must be 1 to 64 letters, digits and . _ @ -");
            return 2;
          }
          out.println(opener.get().mint(user, role, shell()).token());
          return 0;
        }
      }
    } catch (StorageException e) {
      err.println("token: the store cannot be reached: " + e.getMessage());
      return 1;
    }
  }
}
