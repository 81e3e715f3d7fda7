package io.reprise.activities.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.GrpcMetadataProvider;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options built from the Temporal connection settings carry the certificate, the key and the namespace. */
class TemporalConnectionTest {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir
  static Path folder;
  static Path cert;
  static Path key;

  /** A client certificate and its PKCS#8 key as PEM files, made with the JDK's keytool. */
  @BeforeAll
  static void makeCertificate() throws Exception {
    Path store = folder.resolve("client.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=reprise-worker",
        "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
        "-keypass", "changeit").redirectErrorStream(true).start();
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0,
        new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, "changeit".toCharArray());
    }
    cert = folder.resolve("client.pem");
    key = folder.resolve("client.key");
    Files.writeString(cert, pem("CERTIFICATE", keys.getCertificate("client").getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", keys.getKey("client", "changeit".toCharArray()).getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  private static WorkflowServiceStubsOptions stubs(TemporalConnection connection) {
    WorkflowServiceStubsOptions.Builder builder = WorkflowServiceStubsOptions.newBuilder()
        .setTarget("temporal.example.org:7233");
    connection.apply(builder);
    return builder.build();
  }

  private static List<String> authorizations(WorkflowServiceStubsOptions options) {
    return options.getGrpcMetadataProviders().stream().map(GrpcMetadataProvider::getMetadata)
        .map(metadata -> metadata.get(AUTHORIZATION)).toList();
  }

  @Test
  void withNothingSetTheConnectionIsThePlainLocalOne() {
    TemporalConnection connection = TemporalConnection.of(null, "", " ", null, "", "", null);
    WorkflowServiceStubsOptions options = stubs(connection);

    assertFalse(connection.tls());
    assertNull(options.getSslContext());
    assertFalse(options.getEnableHttps());
    assertTrue(options.getGrpcMetadataProviders() == null || options.getGrpcMetadataProviders().isEmpty());
    WorkflowClientOptions.Builder client = WorkflowClientOptions.newBuilder();
    connection.apply(client);
    assertEquals("default", client.build().getNamespace());
  }

  @Test
  void aClientCertificateAndCaMakeAClientTlsContextAndTheNamespaceIsSet() throws Exception {
    TemporalConnection connection = TemporalConnection.of("reprise-prod", cert.toString(), key.toString(),
        cert.toString(), "temporal.internal", null, null);
    WorkflowServiceStubsOptions options = stubs(connection);

    assertNotNull(options.getSslContext());
    assertTrue(options.getSslContext().isClient());
    assertNotNull(options.getChannelInitializer(), "the server name override");
    assertEquals(connection.tlsCert(), cert);
    assertEquals("CN=reprise-worker", ((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(Files.newInputStream(connection.tlsCert()))).getSubjectX500Principal().getName());
    WorkflowClientOptions.Builder client = WorkflowClientOptions.newBuilder();
    connection.apply(client);
    assertEquals("reprise-prod", client.build().getNamespace());
  }

  @Test
  void anApiKeyIsSentAsABearerTokenOverTls() {
    WorkflowServiceStubsOptions options = stubs(TemporalConnection.of("ns", null, null, null, null, "k3y-from-env",
        null));

    assertEquals(List.of("Bearer k3y-from-env"), authorizations(options));
    assertTrue(options.getEnableHttps(), "a key is never sent in clear");
  }

  @Test
  void anApiKeyFileInTheStateFolderIsReadAndTheKeyNeverPrinted() throws Exception {
    Path file = folder.resolve("api-key");
    Files.writeString(file, "k3y-from-file\n");
    TemporalConnection connection = TemporalConnection.of("ns", null, null, null, null, null, file.toString());

    assertEquals(List.of("Bearer k3y-from-file"), authorizations(stubs(connection)));
    assertFalse(connection.toString().contains("k3y"), connection.toString());
    assertFalse(TemporalConnection.of("ns", null, null, null, null, "k3y-from-env", null).toString()
        .contains("k3y"));
  }

  @Test
  void settingsThatCannotWorkAreRefusedNamingTheSettingNotTheSecret() throws Exception {
    IllegalArgumentException half = assertThrows(IllegalArgumentException.class,
        () -> TemporalConnection.of("ns", cert.toString(), null, null, null, null, null));
    assertTrue(half.getMessage().contains("REPRISE_TEMPORAL_TLS_KEY"), half.getMessage());

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> stubs(
        TemporalConnection.of("ns", cert.toString(), folder.resolve("absent.key").toString(), null, null, null,
            null)));
    assertTrue(missing.getMessage().startsWith("REPRISE_TEMPORAL_TLS_KEY names no readable file"));

    Path garbage = folder.resolve("garbage.pem");
    Files.writeString(garbage, "not-a-certificate-s3cret");
    IllegalStateException bad = assertThrows(IllegalStateException.class,
        () -> stubs(TemporalConnection.of("ns", garbage.toString(), key.toString(), null, null, null, null)));
    assertFalse(bad.getMessage().contains("s3cret"), bad.getMessage());

    assertThrows(IllegalArgumentException.class,
        () -> TemporalConnection.of("ns", null, null, null, null, "a", folder.resolve("api-key").toString()));
  }
}
