package io.reprise.api.dashboard;

import io.reprise.api.auth.AuthProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The web dashboard: a page of static files (src/main/resources/static, Preact from its WebJar) that Spring Boot
 * serves at {@code /}, the headers that fence it, and how it may sign users in.
 */
@Configuration(proxyBeanMethods = false)
class DashboardConfiguration {

  @Bean
  SignInOptions signInOptions(AuthProperties auth, DashboardProperties dashboard) {
    return new SignInOptions(auth, dashboard);
  }

  @Bean
  FilterRegistrationBean<DashboardHeaders> dashboardHeaders(SignInOptions signIn) {
    FilterRegistrationBean<DashboardHeaders> registration = new FilterRegistrationBean<>(new DashboardHeaders(signIn));
    registration.addUrlPatterns("/*");
    return registration;
  }
}
