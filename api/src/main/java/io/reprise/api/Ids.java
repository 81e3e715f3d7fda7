package io.reprise.api;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Ids of compendia and jobs: twelve characters of lower-case letters and digits. They become folder, container,
 * image and workflow names, so they are short and safe everywhere; 36^12 makes collisions negligible.
 */
public final class Ids {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final Pattern VALID = Pattern.compile("[a-z0-9]{12}");

  private Ids() {}

  public static String newId() {
    char[] id = new char[12];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(id);
  }

  /** The id an idempotency key stands for: the same key always gives the same id. */
  public static String fromKey(String key) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(("reprise-idempotency:" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      char[] id = new char[12];
      for (int i = 0; i < id.length; i++) {
        id[i] = ALPHABET[(digest[i] & 0xff) % ALPHABET.length];
      }
      return new String(id);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }
}
