package io.reprise.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Reprise REST API under /api/v1. A Temporal client only: it starts and reads workflows, never runs them. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ApiApplication {

  public static void main(String[] args) {
    // 'token ...' manages Reprise tokens in the store without starting the API (see docker/service token).
    if (args.length > 0 && args[0].equals("token")) {
      System.exit(io.reprise.api.auth.TokenCli.main(java.util.List.of(args).subList(1, args.length), System.getenv(),
          System.out, System.err));
    }
    SpringApplication.run(ApiApplication.class, args);
  }
}
