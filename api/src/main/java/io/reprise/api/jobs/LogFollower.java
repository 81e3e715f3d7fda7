package io.reprise.api.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Follows a job for {@code GET /api/v1/job/{id}/logs?follow=true}: a server-sent event stream with an event
 * {@code step} at every step change, {@code log} events with the new lines of running steps, and a last event
 * {@code end} with the job's status. It looks at the job once a second, in the snapshot that every view and stream
 * of the job shares (JobReads: one read of a running job a second, however many follow it), so it needs no worker
 * and holds no HTTP thread while it waits.
 */
@Component
public class LogFollower {

  private static final Logger log = LoggerFactory.getLogger(LogFollower.class);
  private static final long POLL_MILLIS = 1000;
  private static final int KEEP_ALIVE_POLLS = 15;
  // A stream ends on its own after six hours, the longest a program may run.
  private static final long MAX_MILLIS = TimeUnit.HOURS.toMillis(6) + TimeUnit.MINUTES.toMillis(10);

  private final JobService jobs;
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, runnable -> {
    Thread thread = new Thread(runnable, "log-follower");
    thread.setDaemon(true);
    return thread;
  });

  private final AtomicInteger following = new AtomicInteger();

  LogFollower(JobService jobs, ObjectProvider<MeterRegistry> meters) {
    this.jobs = jobs;
    // How many streams are open, for operators (reprise_log_followers): each reads its job once a second.
    meters.ifAvailable(registry -> Gauge.builder("reprise.log.followers", following, AtomicInteger::get)
        .description("Open log streams (logs?follow=true); the streams of a job share one read of it a second")
        .register(registry));
  }

  /** How many streams are open now. */
  int following() {
    return following.get();
  }

  SseEmitter follow(io.reprise.api.auth.Caller caller, String jobId) {
    // The caller is checked once, here; the polls run on the timer's threads, outside the request.
    jobs.view(caller, jobId, false);
    SseEmitter emitter = new SseEmitter(MAX_MILLIS);
    Map<String, String> statuses = new HashMap<>();
    Map<String, List<String>> sentLines = new HashMap<>();
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    AtomicBoolean stopped = new AtomicBoolean();
    Runnable stop = () -> {
      ScheduledFuture<?> scheduled = task.get();
      if (scheduled != null) {
        scheduled.cancel(false);
      }
      if (stopped.compareAndSet(false, true)) {
        following.decrementAndGet();
      }
    };
    following.incrementAndGet();
    int[] quiet = {0};
    Runnable poll = () -> {
      try {
        // A stream whose job prints nothing would never notice that its client went away, and would read the
        // job every second until it ends: a comment every 15 quiet seconds fails once the connection is gone.
        if (++quiet[0] >= KEEP_ALIVE_POLLS) {
          emitter.send(SseEmitter.event().comment("still running"));
          quiet[0] = 0;
        }
        JobView view = jobs.progress(jobId);
        for (Map.Entry<String, JobView.StepView> entry : view.steps().entrySet()) {
          String step = entry.getKey();
          JobView.StepView now = entry.getValue();
          if (!now.status().equals(statuses.get(step))) {
            statuses.put(step, now.status());
            emitter.send(SseEmitter.event().name("step")
                .data(Map.of("step", step, "status", now.status()), MediaType.APPLICATION_JSON));
            quiet[0] = 0;
          }
          List<String> lines = now.text() == null || now.text().isEmpty() ? List.of()
              : Arrays.asList(now.text().split("\n", -1));
          List<String> fresh = newLines(sentLines.getOrDefault(step, List.of()), lines);
          for (String line : fresh) {
            emitter.send(SseEmitter.event().name("log").data(step + ": " + line));
            quiet[0] = 0;
          }
          sentLines.put(step, lines);
        }
        if (!"running".equals(view.status())) {
          emitter.send(SseEmitter.event().name("end").data(Map.of("status", view.status()),
              MediaType.APPLICATION_JSON));
          emitter.complete();
          stop.run();
        }
      } catch (IOException | IllegalStateException gone) {
        // The client went away or the emitter already ended: stop following.
        stop.run();
      } catch (RuntimeException e) {
        if (JobReads.overLimit(e)) {
          // Reads are over a limit for now (the API's budget or Temporal's): look again at the next tick.
          return;
        }
        log.warn("following job {} failed: {}", jobId, e.getMessage());
        emitter.completeWithError(e);
        stop.run();
      }
    };
    emitter.onCompletion(stop);
    emitter.onTimeout(stop);
    emitter.onError(error -> stop.run());
    task.set(timer.scheduleWithFixedDelay(poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS));
    if (stopped.get()) {
      task.get().cancel(false);
    }
    return emitter;
  }

  /**
   * The lines of a step's text that were not sent yet. Texts are tails, a window that slides down the log, and a
   * finished step puts a summary line above its tail, so the new lines are those after the longest run of the
   * last sent lines found anywhere in the new text. A tail of identical lines is ambiguous (three "tick" after
   * two may be one new line or none); counting lines in the heartbeat would make this exact.
   */
  static List<String> newLines(List<String> sent, List<String> now) {
    if (sent.isEmpty()) {
      return now;
    }
    for (int overlap = Math.min(sent.size(), now.size()); overlap > 0; overlap--) {
      int at = Collections.lastIndexOfSubList(now, sent.subList(sent.size() - overlap, sent.size()));
      if (at >= 0) {
        return new ArrayList<>(now.subList(at + overlap, now.size()));
      }
    }
    return now;
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }
}
