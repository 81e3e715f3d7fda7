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

  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }
}
