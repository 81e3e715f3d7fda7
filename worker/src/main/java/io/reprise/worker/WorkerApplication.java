package io.reprise.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Reprise worker: polls the job task queue and runs job workflows and their activities. Temporal's Spring Boot
 * starter registers them from {@code spring.temporal.workers} in application.yml; this is the only process that
 * does.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerApplication {

  public static void main(String[] args) {
    SpringApplication.run(WorkerApplication.class, args);
  }
}
