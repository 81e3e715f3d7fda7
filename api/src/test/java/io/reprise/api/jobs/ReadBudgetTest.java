package io.reprise.api.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReadBudgetTest {

  private final AtomicLong now = new AtomicLong();

  @Test
  void aSecondsWorthPassesThenOneMorePerTickOfTheRate() {
    ReadBudget budget = new ReadBudget(10, now::get);
    for (int i = 0; i < 10; i++) {
      assertTrue(budget.tryTake(), "request " + i);
    }
    assertFalse(budget.tryTake());
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
    assertTrue(budget.tryTake());
    assertFalse(budget.tryTake());
    // A long quiet time saves up no more than a second's worth.
    now.addAndGet(TimeUnit.MINUTES.toNanos(5));
    for (int i = 0; i < 10; i++) {
      assertTrue(budget.tryTake(), "request " + i);
    }
    assertFalse(budget.tryTake());
  }

  @Test
  void zeroMeansNoLimit() {
    ReadBudget budget = new ReadBudget(0, now::get);
    for (int i = 0; i < 10_000; i++) {
      assertTrue(budget.tryTake());
    }
  }
}
