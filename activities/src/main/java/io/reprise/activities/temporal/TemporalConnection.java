package io.reprise.activities.temporal;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;

/**
 * How the API and the worker reach a Temporal that is not on this machine's loopback: over TLS, with a client
 * certificate (mTLS) or an API key, in a namespace of their own. Every part is optional; with none set, the
 * connection is the plain local one the dev server takes.
 *
 * <ul>
 *   <li>{@code tlsCert} and {@code tlsKey}: the client certificate chain and its PKCS#8 private key, PEM files;
 *       both or neither.
 *   <li>{@code tlsCa}: the CA certificates (PEM) that sign the server's certificate; without it, the JVM's.
 *   <li>{@code tlsServerName}: the name the server's certificate is checked against, when it is not the host in
 *       the target address.
 *   <li>{@code apiKey}, or {@code apiKeyFile} holding it: sent as {@code Authorization: Bearer} with every call.
 *       A key is never sent in clear: it turns TLS on.
 * </ul>
 *
 * Secrets come from the environment or from files; neither they nor the key's file contents are logged or put in
 * any message.
 */
public record TemporalConnection(String namespace, Path tlsCert, Path tlsKey, Path tlsCa, String tlsServerName,
    String apiKey, Path apiKeyFile) {

  /** From settings as Spring binds them: empty texts count as unset. */
  public static TemporalConnection of(String namespace, String tlsCert, String tlsKey, String tlsCa,
      String tlsServerName, String apiKey, String apiKeyFile) {
    return new TemporalConnection(blank(namespace) ? "default" : namespace.strip(), path(tlsCert), path(tlsKey),
        path(tlsCa), blank(tlsServerName) ? null : tlsServerName.strip(), blank(apiKey) ? null : apiKey.strip(),
        path(apiKeyFile));
  }

  /**
   * From the API's or worker's settings, looked up by name ({@code spring.temporal.namespace} and
   * {@code reprise.temporal-connection.*}, which their application.yml bind to the REPRISE_TEMPORAL_* variables).
   */
  public static TemporalConnection fromSettings(UnaryOperator<String> setting) {
    String prefix = "reprise.temporal-connection.";
    return of(setting.apply("spring.temporal.namespace"), setting.apply(prefix + "tls-cert"),
        setting.apply(prefix + "tls-key"), setting.apply(prefix + "tls-ca"), setting.apply(prefix + "tls-server-name"),
        setting.apply(prefix + "api-key"), setting.apply(prefix + "api-key-file"));
  }

  public TemporalConnection {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("REPRISE_TEMPORAL_TLS_CERT and REPRISE_TEMPORAL_TLS_KEY go together: "
          + "set both or neither");
    }
    if (apiKey != null && apiKeyFile != null) {
      throw new IllegalArgumentException("set REPRISE_TEMPORAL_API_KEY or REPRISE_TEMPORAL_API_KEY_FILE, not both");
    }
  }

  /** Whether the connection uses TLS: a client certificate, a CA, a server name or an API key asks for it. */
  public boolean tls() {
    return tlsCert != null || tlsCa != null || tlsServerName != null || apiKey != null || apiKeyFile != null;
  }

  /** Sets TLS and the API key on the service stubs' options; leaves them as they are when nothing is set. */
  public WorkflowServiceStubsOptions.Builder apply(WorkflowServiceStubsOptions.Builder options) {
    if (tlsCert != null || tlsCa != null) {
      options.setSslContext(sslContext());
    } else if (tls()) {
      // TLS with the JVM's trusted CAs, as a hosted Temporal needs.
      options.setEnableHttps(true);
    }
    if (tlsServerName != null) {
      options.setChannelInitializer(channel -> channel.overrideAuthority(tlsServerName));
    }
    String key = apiKey != null ? apiKey : apiKeyFile != null ? readKey(apiKeyFile) : null;
    if (key != null) {
      options.addApiKey(() -> key);
    }
    return options;
  }

  /** Sets the namespace on the client's options. */
  public WorkflowClientOptions.Builder apply(WorkflowClientOptions.Builder options) {
    return options.setNamespace(namespace);
  }

  private SslContext sslContext() {
    Path certFile = tlsCert == null ? null : readable(tlsCert, "REPRISE_TEMPORAL_TLS_CERT");
    Path keyFile = tlsKey == null ? null : readable(tlsKey, "REPRISE_TEMPORAL_TLS_KEY");
    Path caFile = tlsCa == null ? null : readable(tlsCa, "REPRISE_TEMPORAL_TLS_CA");
    try {
      SslContextBuilder builder = GrpcSslContexts.forClient();
      if (certFile != null) {
        builder.keyManager(certFile.toFile(), keyFile.toFile());
      }
      if (caFile != null) {
        builder.trustManager(caFile.toFile());
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      // The cause may quote the files' contents: only its type goes into the message.
      throw new IllegalStateException("the TLS settings for Temporal do not make a client TLS context ("
          + e.getClass().getSimpleName() + "): check that REPRISE_TEMPORAL_TLS_CERT holds PEM certificates, "
          + "REPRISE_TEMPORAL_TLS_KEY a PKCS#8 PEM private key and REPRISE_TEMPORAL_TLS_CA PEM certificates");
    }
  }

  private static Path readable(Path file, String setting) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(setting + " names no readable file: " + file);
    }
    return file;
  }

  private static String readKey(Path file) {
    try {
      String key = Files.readString(readable(file, "REPRISE_TEMPORAL_API_KEY_FILE"), StandardCharsets.UTF_8).strip();
      if (key.isEmpty()) {
        throw new IllegalArgumentException("REPRISE_TEMPORAL_API_KEY_FILE is empty: " + file);
      }
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("REPRISE_TEMPORAL_API_KEY_FILE could not be read: " + file, e);
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static Path path(String value) {
    return blank(value) ? null : Path.of(value.strip());
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "TemporalConnection[namespace=" + namespace + ", tls=" + tls() + ", clientCertificate="
        + (tlsCert != null) + ", apiKey=" + (apiKey != null || apiKeyFile != null) + "]";
  }
}
