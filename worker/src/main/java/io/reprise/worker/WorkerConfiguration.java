package io.reprise.worker;

import io.reprise.activities.docker.DockerContainerEngine;
import io.reprise.activities.docker.DockerSettings;
import io.reprise.activities.jobs.ExecutionSettings;
import io.reprise.activities.jobs.JobActivitiesImpl;
import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.MinioArtifactStore;
import io.reprise.activities.storage.MinioSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The adapters and the activity bean that application.yml names in {@code spring.temporal.workers}. */
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
    return DockerContainerEngine.connect(new DockerSettings(properties.docker().host()));
  }

  @Bean
  JobActivitiesImpl jobActivities(ArtifactStore store, DockerContainerEngine engine, WorkerProperties properties) {
    WorkerProperties.Execute execute = properties.execute();
    return new JobActivitiesImpl(store, engine, new ExecutionSettings(execute.workRoot(), execute.user(),
        execute.memory().toBytes(), execute.cpus(), execute.pids(), execute.timeout()));
  }
}
