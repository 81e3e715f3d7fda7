package io.reprise.api.audits;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A 95% confidence interval for a reproducibility rate: the Wilson score interval, which stays inside [0, 1] and
 * holds up for the small counts audits have (4 of 5 reproduced is 0.38 to 0.96, not a certain 80%), where the normal
 * approximation does not (Brown, Cai and DasGupta, "Interval Estimation for a Binomial Proportion", 2001).
 */
public record RateInterval(@JsonProperty("low") double low, @JsonProperty("high") double high,
    @JsonProperty("confidence") double confidence, @JsonProperty("method") String method) {

  /** The two-sided 95% quantile of the standard normal distribution. */
  private static final double Z = 1.959963984540054;

  /** The interval for so many successes in so many trials; null without a trial. */
  public static RateInterval wilson(int successes, int trials) {
    if (trials <= 0 || successes < 0 || successes > trials) {
      return null;
    }
    double n = trials;
    double p = successes / n;
    double z2 = Z * Z;
    double denominator = 1 + z2 / n;
    double center = (p + z2 / (2 * n)) / denominator;
    double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
    return new RateInterval(round(Math.max(0, center - half)), round(Math.min(1, center + half)), 0.95, "wilson");
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000d;
  }
}
