// The load of bench/read-load: N clients per group, each reading its group's URLs in turn as fast as answers come,
// until a stop file appears or the time is up. Prints one line per group: requests, answers by status, rate, p50,
// p99. Run as a single source file: java bench/read-load.java TOKEN STOPFILE SECONDS NAME:CLIENTS:URLFILE ...

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

class ReadLoad {

  /** One client's answer times in nanoseconds, growing as needed. */
  static final class Times {
    long[] values = new long[1 << 16];
    int count;

    void add(long value) {
      if (count == values.length) {
        values = Arrays.copyOf(values, count * 2);
      }
      values[count++] = value;
    }
  }

  record Group(String name, int clients, List<URI> urls, List<Times> times, ConcurrentHashMap<Integer, AtomicLong>
      statuses, AtomicLong running) {}

  public static void main(String[] args) throws Exception {
    String token = args[0];
    Path stop = Path.of(args[1]);
    long seconds = Long.parseLong(args[2]);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<Group> groups = new ArrayList<>();
    for (String spec : Arrays.copyOfRange(args, 3, args.length)) {
      String[] parts = spec.split(":", 3);
      List<URI> urls = Files.readAllLines(Path.of(parts[2])).stream().filter(l -> !l.isBlank()).map(URI::create)
          .toList();
      groups.add(new Group(parts[0], Integer.parseInt(parts[1]), urls, new ArrayList<>(), new ConcurrentHashMap<>(),
          new AtomicLong()));
    }
    AtomicBoolean done = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    CountDownLatch ready = new CountDownLatch(groups.stream().mapToInt(Group::clients).sum());
    CountDownLatch go = new CountDownLatch(1);
    for (Group group : groups) {
      for (int c = 0; c < group.clients(); c++) {
        int first = c;
        Times times = new Times();
        synchronized (group.times()) {
          group.times().add(times);
        }
        Thread thread = new Thread(() -> {
          ready.countDown();
          try {
            go.await();
          } catch (InterruptedException e) {
            return;
          }
          int next = first;
          while (!done.get()) {
            URI uri = group.urls().get(next++ % group.urls().size());
            HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).GET().build();
            long start = System.nanoTime();
            int status;
            String body = "";
            try {
              HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
              status = response.statusCode();
              body = response.body();
            } catch (Exception e) {
              status = 0;
            }
            long took = System.nanoTime() - start;
            if (done.get()) {
              break;
            }
            times.add(took);
            group.statuses().computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
            if (status == 200 && body.contains("\"status\":\"running\"")) {
              group.running().incrementAndGet();
            }
          }
        }, group.name() + "-" + c);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }
    ready.await();
    long began = System.nanoTime();
    go.countDown();
    long deadline = began + Duration.ofSeconds(seconds).toNanos();
    while (System.nanoTime() < deadline && !Files.exists(stop)) {
      Thread.sleep(100);
    }
    done.set(true);
    double elapsed = (System.nanoTime() - began) / 1e9;
    for (Thread thread : threads) {
      thread.join(35_000);
    }
    for (Group group : groups) {
      long count = 0;
      for (Times t : group.times()) {
        count += t.count;
      }
      long[] all = new long[(int) count];
      int i = 0;
      for (Times t : group.times()) {
        System.arraycopy(t.values, 0, all, i, t.count);
        i += t.count;
      }
      Arrays.sort(all);
      double p50 = all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, Math.round(all.length * 0.50))] / 1e6;
      double p99 = all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, Math.round(all.length * 0.99))] / 1e6;
      StringBuilder statuses = new StringBuilder();
      group.statuses().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
          .forEach(e -> statuses.append(e.getKey() == 0 ? "failed" : e.getKey()).append('=').append(e.getValue())
              .append(' '));
      System.out.printf("%-8s clients=%d requests=%d seconds=%.1f rate=%.0f/s p50=%.1fms p99=%.1fms running=%d %s%n",
          group.name(), group.clients(), all.length, elapsed, all.length / elapsed, p50, p99, group.running().get(),
          statuses.toString().trim());
    }
  }
}
