package io.reprise.activities.compendia;

import gov.loc.repository.bagit.domain.Bag;
import gov.loc.repository.bagit.domain.Manifest;
import gov.loc.repository.bagit.exceptions.CorruptChecksumException;
import gov.loc.repository.bagit.reader.BagReader;
import gov.loc.repository.bagit.verify.BagVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * BagIt bags (a {@code bagit.txt} at the top) are verified with the Library of Congress's bagit-java before a job
 * uses them. A bag's payload, in {@code data/}, is the compendium.
 */
public final class BagCheck {

  private BagCheck() {}

  public static boolean isBag(Path root) {
    return Files.isRegularFile(root.resolve("bagit.txt"));
  }

  /** Verifies the bag's manifests and answers how many payload files it checked. */
  public static int verify(Path root) throws InvalidCompendiumException {
    Bag bag;
    try {
      bag = new BagReader().read(root);
    } catch (Exception e) {
      throw new InvalidCompendiumException("the BagIt bag cannot be read: " + e.getMessage());
    }
    try (BagVerifier verifier = new BagVerifier()) {
      verifier.isValid(bag, false);
    } catch (CorruptChecksumException e) {
      // The verifier stops at the first bad file; the text names every one so the user can fix them at once.
      throw new InvalidCompendiumException("the BagIt bag does not verify; files whose checksums do not match: "
          + String.join(", ", mismatches(root, bag)));
    } catch (Exception e) {
      throw new InvalidCompendiumException("the BagIt bag does not verify: " + e.getMessage());
    }
    return bag.getPayLoadManifests().stream().mapToInt(m -> m.getFileToChecksumMap().size()).max().orElse(0);
  }

  private static List<String> mismatches(Path root, Bag bag) {
    List<String> bad = new ArrayList<>();
    for (Manifest manifest : bag.getPayLoadManifests()) {
      String algorithm = manifest.getAlgorithm().getMessageDigestName();
      for (Map.Entry<Path, String> entry : manifest.getFileToChecksumMap().entrySet()) {
        String name = root.relativize(entry.getKey()).toString();
        if (!bad.contains(name) && !entry.getValue().equalsIgnoreCase(digest(entry.getKey(), algorithm))) {
          bad.add(name);
        }
      }
    }
    bad.sort(null);
    return bad;
  }

  private static String digest(Path file, String algorithm) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance(algorithm);
      byte[] buffer = new byte[64 * 1024];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, read);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      return "unreadable";
    }
  }
}
