package io.reprise.worker;

import io.reprise.activities.audits.AuditActivitiesImpl;
import io.reprise.activities.audits.JobComparison;
import io.reprise.activities.compendia.ManifestLimits;
import io.reprise.activities.docker.ContainerEngine;
import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.docker.DockerSettings;
import io.reprise.activities.docker.ImageRegistry;
import io.reprise.activities.jobs.ExecutionSettings;
import io.reprise.activities.jobs.JobFiles;
import io.reprise.activities.jobs.JobActivitiesImpl;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.MinioSettings;
import io.reprise.activities.temporal.TemporalConnection;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.reprise.activities.sweep.StorageActivitiesImpl;
import io.reprise.activities.sweep.TemporalJobDirectory;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import org.springframework.core.env.Environment;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import io.temporal.worker.WorkerOptions;
import io.temporal.worker.WorkerFactory;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import java.util.concurrent.TimeUnit;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The adapters and the activity beans that application.yml names in {@code spring.temporal.workers}. */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

  @Bean
  ArtifactStore artifactStore(WorkerProperties properties) {
    WorkerProperties.Minio minio = properties.minio();
    return MinioArtifactStore.connect(
        new MinioSettings(minio.endpoint(), minio.accessKey(), minio.secretKey(), minio.bucket()));
  }

  @Bean
  DockerContainerEngine containerEngine(WorkerProperties properties) {
    WorkerProperties.Docker docker = properties.docker();
    String password = docker.registryPassword();
    if ((password == null || password.isBlank()) && docker.registryPasswordFile() != null
        && !docker.registryPasswordFile().isBlank()) {
      try {
        password = java.nio.file.Files.readString(java.nio.file.Path.of(docker.registryPasswordFile())).strip();
      } catch (java.io.IOException e) {
        throw new IllegalStateException("REPRISE_REGISTRY_PASSWORD_FILE cannot be read: " + e.getClass().getSimpleName());
      }
    }
    return DockerContainerEngine.connect(new DockerSettings(docker.host(),
        ImageRegistry.of(docker.registry(), docker.registryUsername(), password)));
  }

  @Bean
  JobActivitiesImpl jobActivities(ArtifactStore store, DockerContainerEngine engine, WorkerProperties properties,
      WorkflowServiceStubs temporal, MicrometerJobMetrics metrics) {
    WorkerProperties.Execute execute = properties.execute();
    String version = WorkerApplication.class.getPackage().getImplementationVersion();
    ExecutionSettings.Origin origin = new ExecutionSettings.Origin(properties.temporal().workerHost(),
        version == null ? "dev" : version,
        temporal.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()).getServerVersion());
    ManifestLimits limits = new ManifestLimits(execute.timeout(), execute.maxTimeout(), execute.memory().toBytes(),
        execute.maxMemory().toBytes(), execute.cpus(), execute.maxCpus(), execute.disk().toBytes(),
        execute.disk().toBytes() <= 0 ? 0 : Math.max(execute.disk().toBytes(), execute.maxDisk().toBytes()));
    WorkerProperties.Build build = properties.build();
    ContainerEngine.BuildLimits buildLimits = new ContainerEngine.BuildLimits(build.memory().toBytes(), build.cpus(),
        build.pids(), build.timeout());
    return new JobActivitiesImpl(store, engine, new ExecutionSettings(execute.workRoot(),
        properties.temporal().workerQueue(), execute.user(), execute.pids(), limits, execute.removeImages(), origin,
        properties.temporal().hostWait(), buildLimits, build.logMax().toBytes(), execute.logMax().toBytes()),
        metrics);
  }

  /**
   * Who may read the worker's metrics: operators, as the API tells (REPRISE_API_URL, by default the API of this
   * instance on loopback). A verdict holds 30 s; the API has 2 s to answer.
   */
  @Bean
  OperatorCheck operatorCheck(@Value("${reprise.api-url}") String apiUrl) {
    return new OperatorCheck(URI.create(apiUrl), Duration.ofSeconds(30), Duration.ofSeconds(2));
  }

  @Bean
  PrometheusScrape prometheusScrape(PrometheusMeterRegistry registry, OperatorCheck operators) {
    return new PrometheusScrape(registry, operators);
  }

  @Bean
  StorageActivitiesImpl storageActivities(ArtifactStore store, DockerContainerEngine engine, WorkflowClient client,
      StorageProperties storage, WorkerProperties properties) {
    return new StorageActivitiesImpl(store, new TemporalJobDirectory(client), engine,
        new StorageActivitiesImpl.Settings(storage.retentionSuccess(), storage.retentionFailure(), storage.grace(),
            properties.execute().workRoot()));
  }

  /**
   * The storage sweep's schedule, made or brought to this worker's interval once the worker runs (a Temporal that
   * is not reachable yet only delays it: the worker does not stop for it, and the next start tries again).
   */
  @Bean
  ApplicationListener<org.springframework.boot.context.event.ApplicationReadyEvent> sweepSchedule(
      WorkflowClient client, WorkerProperties properties, StorageProperties storage) {
    return event -> {
      if (!storage.schedule()) {
        return;
      }
      try {
        SweepSchedule.ensure(client, properties.temporal().taskQueue(), storage.interval());
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(SweepSchedule.class)
            .warn("could not make the storage sweep's schedule: {}", e.getMessage());
      }
    };
  }

  @Bean
  AuditActivitiesImpl auditActivities(ArtifactStore store) {
    return new AuditActivitiesImpl(new JobComparison(new JobFiles(store)));
  }

  /**
   * A stopped worker (a deploy, docker/service restart-workers) finishes what it holds before the JVM exits: polls
   * stop, running activities are told through their next heartbeat, and their failures reach Temporal, which
   * retries them at once instead of after the heartbeat timeout. A running program's container is left running
   * for the next attempt to wait for. The starter does not wait by itself (sdk-java issue #2026).
   */
  @Bean
  ApplicationListener<ContextClosedEvent> gracefulShutdown(WorkerFactory workers) {
    return event -> {
      workers.shutdown();
      workers.awaitTermination(20, TimeUnit.SECONDS);
    };
  }

  /**
   * Heartbeats carry cancellation back to a running activity. The SDK holds them back for up to 80% of the heartbeat
   * timeout (48 s here); two seconds makes a cancelled job's container stop within seconds.
   */
  @Bean
  TemporalOptionsCustomizer<WorkerOptions.Builder> heartbeatThrottle() {
    return builder -> builder
        .setMaxHeartbeatThrottleInterval(Duration.ofSeconds(2))
        .setDefaultHeartbeatThrottleInterval(Duration.ofSeconds(2));
  }

  /** TLS, a client certificate or an API key for a Temporal on another machine (REPRISE_TEMPORAL_TLS_*, _API_KEY). */
  @Bean
  TemporalConnection temporalConnection(Environment environment) {
    return TemporalConnection.fromSettings(environment::getProperty);
  }

  @Bean
  TemporalOptionsCustomizer<WorkflowServiceStubsOptions.Builder> securedTemporal(TemporalConnection connection) {
    return connection::apply;
  }

  @Bean
  TemporalOptionsCustomizer<WorkflowClientOptions.Builder> temporalNamespace(TemporalConnection connection) {
    return connection::apply;
  }
}
