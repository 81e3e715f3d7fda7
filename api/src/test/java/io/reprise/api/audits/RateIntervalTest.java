package io.reprise.api.audits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Wilson interval against values worked by hand from its formula, and at its edges. */
class RateIntervalTest {

  @Test
  void knownCountsGiveTheirIntervals() {
    RateInterval fourOfFive = RateInterval.wilson(4, 5);
    assertEquals(0.3755, fourOfFive.low(), 1e-4);
    assertEquals(0.9638, fourOfFive.high(), 1e-4);
    RateInterval eightOfTen = RateInterval.wilson(8, 10);
    assertEquals(0.4902, eightOfTen.low(), 1e-4);
    assertEquals(0.9433, eightOfTen.high(), 1e-4);
    assertEquals(0.95, eightOfTen.confidence());
    assertEquals("wilson", eightOfTen.method());
  }

  @Test
  void allOrNoneStayInsideZeroAndOneAndMoreTrialsNarrowIt() {
    RateInterval none = RateInterval.wilson(0, 5);
    assertEquals(0, none.low());
    assertEquals(0.4345, none.high(), 1e-4);
    RateInterval all = RateInterval.wilson(5, 5);
    assertEquals(0.5655, all.low(), 1e-4);
    assertEquals(1, all.high());
    RateInterval many = RateInterval.wilson(800, 1000);
    assertTrue(many.high() - many.low() < RateInterval.wilson(8, 10).high() - RateInterval.wilson(8, 10).low());
    assertTrue(many.low() < 0.8 && 0.8 < many.high());
  }

  @Test
  void noTrialNoInterval() {
    assertNull(RateInterval.wilson(0, 0));
    assertNull(RateInterval.wilson(3, 2));
  }
}
