package io.reprise.worker;

import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Counts the activities (job steps, comparisons) this worker runs: how many run now, how many it has taken, and
 * when it took the last. The Temporal starter puts every WorkerInterceptor bean into the worker factory, so every
 * activity of every queue of this worker passes through here.
 */
@Component
class ActivityTracker extends WorkerInterceptorBase {

  private final Clock clock;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong taken = new AtomicLong();
  private final AtomicReference<Instant> lastTaken = new AtomicReference<>();
  private final AtomicReference<String> lastType = new AtomicReference<>();

  @Autowired
  ActivityTracker() {
    this(Clock.systemUTC());
  }

  ActivityTracker(Clock clock) {
    this.clock = clock;
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      // The SDK hands the context to init; Activity.getExecutionContext() is not set yet in an interceptor.
      private String type;

      @Override
      public void init(io.temporal.activity.ActivityExecutionContext context) {
        type = context.getInfo().getActivityType();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        began(type);
        try {
          return super.execute(input);
        } finally {
          ended();
        }
      }
    };
  }

  void began(String activityType) {
    running.incrementAndGet();
    taken.incrementAndGet();
    lastTaken.set(clock.instant());
    lastType.set(activityType);
  }

  void ended() {
    running.decrementAndGet();
  }

  int running() {
    return running.get();
  }

  long taken() {
    return taken.get();
  }

  /** When this worker took its last activity; null before the first. */
  Instant lastTaken() {
    return lastTaken.get();
  }

  String lastType() {
    return lastType.get();
  }
}
