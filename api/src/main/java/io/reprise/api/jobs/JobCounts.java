package io.reprise.api.jobs;

import io.grpc.Deadline;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The gauge {@code reprise.jobs}, tagged by status (running, success, failure): how many jobs of this instance's
 * namespace Temporal's visibility counts in each, with the job list's own status rules. A scrape never waits for
 * Temporal: it reads the last counts, and when they are older than 15 s it starts one refresh in the background,
 * each count with a 2 s deadline. So Temporal is asked at most three times per 15 s whatever the scrape rate, and a
 * Temporal that hangs costs a scrape nothing; the last counts stay (NaN before the first) until a refresh succeeds.
 */
@Component
public class JobCounts implements MeterBinder, DisposableBean {

  static final String NAME = "reprise.jobs";
  static final Duration FRESH = Duration.ofSeconds(15);
  static final Duration DEADLINE = Duration.ofSeconds(2);
  static final List<String> STATUSES = List.of("running", "success", "failure");
  private static final Logger log = LoggerFactory.getLogger(JobCounts.class);

  /** Counts the jobs a visibility query matches; Temporal's CountWorkflowExecutions in the application. */
  interface Counter {
    long count(String query);
  }

  private final Counter counter;
  private final LongSupplier nanos;
  private final Executor refresher;
  private final Map<String, Double> counts = new ConcurrentHashMap<>();
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile long refreshedAt;
  private volatile boolean everRefreshed;

  @Autowired
  public JobCounts(WorkflowClient temporal) {
    this(query -> temporal.getWorkflowServiceStubs().blockingStub()
        .withDeadline(Deadline.after(DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
        .countWorkflowExecutions(CountWorkflowExecutionsRequest.newBuilder()
            .setNamespace(temporal.getOptions().getNamespace()).setQuery(query).build())
        .getCount(), System::nanoTime, Executors.newSingleThreadExecutor(runnable -> {
          Thread thread = new Thread(runnable, "job-counts");
          thread.setDaemon(true);
          return thread;
        }));
  }

  JobCounts(Counter counter, LongSupplier nanos, Executor refresher) {
    this.counter = counter;
    this.nanos = nanos;
    this.refresher = refresher;
    STATUSES.forEach(status -> counts.put(status, Double.NaN));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (String status : STATUSES) {
      Gauge.builder(NAME, this, counts -> counts.read(status))
          .description("jobs by status, as Temporal's visibility counts them (refreshed at most every 15 s)")
          .tag("status", status).register(registry);
    }
  }

  /** The last count of the status; starts a refresh in the background when it is older than 15 s. */
  double read(String status) {
    if (!everRefreshed || nanos.getAsLong() - refreshedAt > FRESH.toNanos()) {
      if (refreshing.compareAndSet(false, true)) {
        refresher.execute(this::refresh);
      }
    }
    return counts.get(status);
  }

  void refresh() {
    try {
      for (String status : STATUSES) {
        counts.put(status, (double) counter.count("WorkflowType = 'JobWorkflow' AND "
            + JobListing.statusQuery(status)));
      }
    } catch (RuntimeException e) {
      log.warn("could not count jobs in Temporal for the metrics: {}", e.toString());
    } finally {
      // A failed refresh waits its 15 s too, so a Temporal that is down is not asked on every scrape.
      refreshedAt = nanos.getAsLong();
      everRefreshed = true;
      refreshing.set(false);
    }
  }

  @Override
  public void destroy() {
    if (refresher instanceof ExecutorService service) {
      service.shutdownNow();
    }
  }
}
