package io.reprise.api;

import io.reprise.activities.audits.JobComparison;
import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.docker.DockerSettings;
import io.reprise.activities.jobs.JobFiles;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.MinioSettings;
import io.reprise.activities.temporal.TemporalConnection;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import org.springframework.core.env.Environment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ApiConfiguration {

  @Bean
  DockerContainerEngine containerEngine(ApiProperties properties) {
    return DockerContainerEngine.connect(new DockerSettings(properties.docker().host()));
  }

  /** A job's files through its manifest and the content-addressed blobs. */
  @Bean
  JobFiles jobFiles(ArtifactStore store) {
    return new JobFiles(store);
  }

  @Bean
  io.reprise.activities.sweep.JobDeletion jobDeletion(ArtifactStore store,
      io.temporal.client.WorkflowClient temporal) {
    return new io.reprise.activities.sweep.JobDeletion(store,
        new io.reprise.activities.sweep.TemporalJobDirectory(temporal));
  }

  @Bean
  JobComparison jobComparison(JobFiles files) {
    return new JobComparison(files);
  }

  @Bean
  ArtifactStore artifactStore(ApiProperties properties) {
    ApiProperties.Minio minio = properties.minio();
    return MinioArtifactStore.connect(
        new MinioSettings(minio.endpoint(), minio.accessKey(), minio.secretKey(), minio.bucket()));
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
