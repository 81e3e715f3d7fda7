package io.reprise.activities.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry's own HTTP API (the OCI distribution spec), for the two things the Docker engine cannot do: put a
 * tag on a manifest the registry already holds, by its digest and with its exact bytes, and delete a tag.
 *
 * <p>Tags are how the registry knows what is in use: its garbage collection ({@code docker/stack registry-gc})
 * deletes manifests no tag names, and their blobs. So every job that runs an image holds a tag with its own id in
 * the jobs repository: its build pushed one, and a re-run, which runs its original's digest, tags that digest for
 * itself. Deleting a job deletes its tag, and an image lives as long as one job that ran it.
 *
 * <p>Written on {@link HttpClient} rather than a library: the three calls are plain HTTP, and no registry client on
 * Maven Central does only this (jib-core builds images and brings its own HTTP stack). Loopback registries are
 * spoken to over http, as the Docker engine does; any other over https. Basic credentials, and the bearer-token
 * exchange registries such as Harbor ask for, are sent only to the registry and its token realm, never logged.
 */
public final class RegistryApi {

  /** The manifest types a tag may name; a GET by digest asks for all of them, so the bytes come back unchanged. */
  static final String MANIFEST_TYPES = String.join(", ",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.docker.distribution.manifest.list.v2+json");

  private static final ObjectMapper JSON = new ObjectMapper();
  /** One request's limit: a sweep heartbeats between tags, every minute at most, and one tag takes three at most. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  /** The OCI distribution spec lets a registry refuse manifests over 4 MiB; a bigger answer is no manifest. */
  private static final int MAX_MANIFEST_BYTES = 4 << 20;
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final ImageRegistry registry;
  private final String base;
  private final HttpClient http;
  private volatile String bearer;

  public RegistryApi(ImageRegistry registry) {
    this.registry = registry;
    this.base = (isLoopback(registry.host()) ? "http://" : "https://") + registry.host();
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** True for localhost, an IPv4 literal in 127.0.0.0/8 or [::1], with or without a port; nothing else. */
  static boolean isLoopback(String hostAndPort) {
    String host = hostAndPort.toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      return host.startsWith("[::1]") && (host.length() == 5 || host.charAt(5) == ':');
    }
    int colon = host.indexOf(':');
    String name = colon < 0 ? host : host.substring(0, colon);
    return name.equals("localhost") || name.matches("127(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}");
  }

  /**
   * Tags the manifest of a digest reference ({@code <registry>/<repository>@sha256:…}) in its repository: the
   * manifest is read by digest and put back under the tag, byte for byte, so the tag names exactly that digest.
   * A registry without that manifest fails with {@link ContainerEngine.ImageNotFoundException}.
   */
  public void tag(String digestReference, String tag) {
    if (!ImageRegistry.isDigestReference(digestReference)) {
      throw new IllegalArgumentException("not a digest reference: " + digestReference);
    }
    int at = digestReference.indexOf('@');
    String name = name(digestReference.substring(0, at));
    String digest = digestReference.substring(at + 1);
    HttpResponse<byte[]> manifest = send(() -> HttpRequest.newBuilder(manifestUri(name, digest))
        .header("Accept", MANIFEST_TYPES).GET());
    if (manifest.statusCode() == 404) {
      throw new ContainerEngine.ImageNotFoundException("the registry has no image " + digestReference);
    }
    if (manifest.statusCode() != 200) {
      throw new IllegalStateException("the registry answered " + manifest.statusCode() + " for " + digestReference);
    }
    byte[] bytes = manifest.body();
    if (bytes.length > MAX_MANIFEST_BYTES || !("sha256:" + sha256(bytes)).equals(digest)) {
      throw new IllegalStateException("the registry's manifest for " + digestReference + " is not the one its digest "
          + "names");
    }
    String type = manifest.headers().firstValue("Content-Type").orElseThrow(() ->
        new IllegalStateException("the registry named no type for " + digestReference));
    HttpResponse<byte[]> put = send(() -> HttpRequest.newBuilder(manifestUri(name, checkTag(tag)))
        .header("Content-Type", type).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    if (put.statusCode() != 201) {
      throw new IllegalStateException("the registry answered " + put.statusCode() + " to tagging " + digestReference
          + " as " + tag);
    }
    String named = put.headers().firstValue("Docker-Content-Digest").orElse(digest);
    if (!named.equals(digest)) {
      throw new IllegalStateException("the registry tagged " + named + ", not " + digest);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The digest ({@code sha256:…}) the tag names in the repository, or empty when there is no such tag. */
  public Optional<String> digest(String repository, String tag) {
    String name = name(repository);
    HttpResponse<byte[]> head = send(() -> HttpRequest.newBuilder(manifestUri(name, checkTag(tag)))
        .header("Accept", MANIFEST_TYPES).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    if (head.statusCode() == 404) {
      return Optional.empty();
    }
    if (head.statusCode() != 200) {
      throw new IllegalStateException("the registry answered " + head.statusCode() + " for " + repository + ":"
          + tag);
    }
    return head.headers().firstValue("Docker-Content-Digest");
  }

  /**
   * Deletes the tag from the repository, leaving the manifest and the other tags on it; answers false when the tag
   * was not there. A registry that refuses deletes (storage.delete.enabled off) fails with its answer.
   */
  public boolean deleteTag(String repository, String tag) {
    String name = name(repository);
    HttpResponse<byte[]> deleted = send(() -> HttpRequest.newBuilder(manifestUri(name, checkTag(tag))).DELETE());
    return switch (deleted.statusCode()) {
      case 202, 200 -> true;
      case 404 -> false;
      default -> throw new IllegalStateException("the registry answered " + deleted.statusCode() + " to deleting "
          + repository + ":" + tag + (deleted.statusCode() == 405 ? " (deletes are not enabled in its storage "
          + "settings)" : ""));
    };
  }

  /** The repository's name below /v2/: the reference without the registry's host. */
  private String name(String repository) {
    if (!registry.holds(repository)) {
      throw new IllegalArgumentException("not a repository of the configured registry: " + repository);
    }
    return repository.substring(registry.host().length() + 1);
  }

  private URI manifestUri(String name, String reference) {
    return URI.create(base + "/v2/" + name + "/manifests/" + reference);
  }

  private static String checkTag(String tag) {
    if (tag == null || !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("not a valid tag: " + tag);
    }
    return tag;
  }

  /**
   * Sends the request with the registry's credentials. A 401 that asks for a bearer token gets one from the realm
   * it names (with the basic credentials, when there are any) and the request goes once more.
   */
  private HttpResponse<byte[]> send(Supplier<HttpRequest.Builder> request) {
    try {
      HttpResponse<byte[]> response = http.send(authorized(request.get()), HttpResponse.BodyHandlers.ofByteArray());
      Optional<String> challenge = response.headers().firstValue("WWW-Authenticate");
      if (response.statusCode() == 401 && challenge.isPresent()
          && challenge.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
        bearer = token(challenge.get().substring(7));
        response = http.send(authorized(request.get()), HttpResponse.BodyHandlers.ofByteArray());
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException("the registry at " + registry.host() + " cannot be reached", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while talking to the registry", e);
    }
  }

  private HttpRequest authorized(HttpRequest.Builder request) {
    String token = bearer;
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    } else if (registry.username() != null) {
      request.header("Authorization", basic());
    }
    return request.timeout(REQUEST_TIMEOUT).build();
  }

  private String basic() {
    return "Basic " + Base64.getEncoder().encodeToString((registry.username() + ":"
        + (registry.password() == null ? "" : registry.password())).getBytes(StandardCharsets.UTF_8));
  }

  /** The token-server exchange of the distribution spec: GET realm?service=…&scope=… answers {"token": …}. */
  private String token(String challenge) throws IOException, InterruptedException {
    Map<String, String> params = new LinkedHashMap<>();
    Matcher matcher = CHALLENGE_PARAM.matcher(challenge);
    while (matcher.find()) {
      params.put(matcher.group(1).toLowerCase(Locale.ROOT), matcher.group(2));
    }
    String realm = params.remove("realm");
    if (realm == null || !realm.startsWith("https://") && !realm.startsWith(base + "/")) {
      throw new IllegalStateException("the registry asks for a token from a realm that is neither https nor "
          + "itself; no credentials are sent there");
    }
    StringBuilder query = new StringBuilder();
    params.forEach((key, value) -> query.append(query.isEmpty() ? '?' : '&').append(key).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(realm + query)).GET()
        .timeout(REQUEST_TIMEOUT);
    if (registry.username() != null) {
      request.header("Authorization", basic());
    }
    HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("the registry's token realm answered " + answer.statusCode());
    }
    JsonNode body = JSON.readTree(answer.body());
    String token = body.path("token").asText(body.path("access_token").asText(""));
    if (token.isEmpty()) {
      throw new IllegalStateException("the registry's token realm answered no token");
    }
    return token;
  }
}
