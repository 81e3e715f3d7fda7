package io.reprise.activities.docker;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The OCI registry job images are pushed to and pulled from, and the only one builds may take base images from:
 * {@code host[:port][/prefix]} as the Docker engine names it (no scheme), e.g. {@code 127.0.0.1:5000} (the stack's)
 * or {@code harbor.example.org/reprise}. Credentials are optional (the stack's registry listens on loopback without
 * any); they go to the engine with each push and pull, and never into a log or a job's record.
 *
 * <p>Job images live in one repository, {@code <address>/reprise/jobs}, tagged with the job id: identical images
 * are one manifest there (the registry stores by content), one repository is all a sweep or an access rule has to
 * name, and no compendium may build on it (see {@link #isJobRepository}).
 */
public record ImageRegistry(String address, String username, String password) {

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  /** The repository of job images, below the address. */
  public static final String JOBS = "reprise/jobs";

  public ImageRegistry {
    address = address.trim();
    while (address.endsWith("/")) {
      address = address.substring(0, address.length() - 1);
    }
    if (address.isEmpty() || address.contains("://") || address.contains("@") || address.contains(" ")) {
      throw new IllegalArgumentException("REPRISE_REGISTRY is host[:port][/prefix] as Docker names a registry, "
          + "without a scheme");
    }
  }

  /** The registry of these settings, or null when the address is empty (no registry: images stay on each engine). */
  public static ImageRegistry of(String address, String username, String password) {
    return address == null || address.isBlank() ? null
        : new ImageRegistry(address, blankToNull(username), blankToNull(password));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** The host[:port] the engine connects to, without the prefix. */
  public String host() {
    int slash = address.indexOf('/');
    return slash < 0 ? address : address.substring(0, slash);
  }

  /** The repository job images are pushed to. */
  public String jobRepository() {
    return address + "/" + JOBS;
  }

  /** True when the reference names an image in this registry (under its prefix). */
  public boolean holds(String reference) {
    return reference != null && reference.toLowerCase(Locale.ROOT).startsWith(address.toLowerCase(Locale.ROOT) + "/");
  }

  /** True for {@code name@sha256:<64 hex>}: an image by its content. */
  public static boolean isDigestReference(String reference) {
    int at = reference == null ? -1 : reference.indexOf('@');
    return at > 0 && DIGEST.matcher(reference.substring(at + 1)).matches();
  }

  /** True when the reference, in any registry, names the repository of job images. */
  public static boolean isJobRepository(String reference) {
    String name = reference.toLowerCase(Locale.ROOT);
    int at = name.indexOf('@');
    if (at >= 0) {
      name = name.substring(0, at);
    }
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      name = name.substring(0, colon);
    }
    return name.equals(JOBS) || name.endsWith("/" + JOBS);
  }

  @Override
  public String toString() {
    // Never the password.
    return address + (username == null ? "" : " (as " + username + ")");
  }
}
