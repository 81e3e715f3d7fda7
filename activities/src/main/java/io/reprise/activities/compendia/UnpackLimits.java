package io.reprise.activities.compendia;

/**
 * Bounds on what one archive may unpack to, against archive bombs: total bytes written, number of entries, and the
 * ratio of unpacked bytes to the archive's own size (checked only above one megabyte, where it means something).
 */
public record UnpackLimits(long maxBytes, int maxEntries, long maxRatio) {

  public static final UnpackLimits DEFAULT = new UnpackLimits(2L * 1024 * 1024 * 1024, 20_000, 200);
}
