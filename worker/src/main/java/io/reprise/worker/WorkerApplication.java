package io.reprise.worker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Reprise worker: polls the job task queues and runs job workflows and their activities. Temporal's Spring Boot
 * starter registers them from {@code spring.temporal.workers} in application.yml; this is the only process that
 * does.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerApplication {

  public static void main(String[] args) {
    // A job's folder lives on the worker that validated it, so its later steps go to a queue that only workers of
    // this host (sharing the folder) poll. application.yml names it from this property unless it is set.
    if (System.getenv("REPRISE_WORKER_HOST") == null && System.getProperty("reprise.worker-host") == null) {
      System.setProperty("reprise.worker-host", hostName());
    }
    SpringApplication.run(WorkerApplication.class, args);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
