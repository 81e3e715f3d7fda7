package io.reprise.api.auth;

import io.reprise.activities.storage.ArtifactStore;
import io.reprise.activities.storage.StorageException;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Who may call what. Every route needs a caller with a Reprise role, except health and the OpenAPI description;
 * the metrics under /actuator are the operators';
 * the routes one role may not use at all are refused here (403), and what depends on the job (whose it is) is
 * decided by the services with {@link Caller}. A caller presents a Reprise token or, when OIDC is configured, a
 * JWT, both as {@code Authorization: Bearer}. Answers of the filters are JSON like every other error of the API.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@OpenAPIDefinition(info = @Info(title = "OpenAPI definition", version = "v0"),
    security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
    description = "A Reprise token (docker/service token --user NAME --role ROLE) or, when the server is configured "
        + "for one, a JWT of the organisation's identity provider")
@EnableConfigurationProperties(AuthProperties.class)
public class SecurityConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
  static final String NOT_VALID = "the bearer token is not valid";

  @Bean
  TokenStore tokenStore(ArtifactStore store, AuthProperties properties) {
    return new TokenStore(store, properties.tokenCache());
  }

  @Bean
  FailureThrottle failureThrottle(AuthProperties properties) {
    return new FailureThrottle(properties.failureLimit(), properties.failureWindow());
  }

  /**
   * Spring Security's firewall refuses paths that are not normalized (a '.', '..' or empty part, or an encoded
   * one) before any filter runs; the answer is the API's JSON 400, not the servlet container's page.
   */
  @Bean
  RequestRejectedHandler rejected() {
    return (request, response, exception) -> JsonAnswers.error(response, HttpServletResponse.SC_BAD_REQUEST,
        "the request path has a '.', '..' or empty part, or an encoded one; give the path as the job view lists "
            + "it");
  }

  @Bean
  SecurityFilterChain api(HttpSecurity http, TokenStore tokens, FailureThrottle throttle,
      AuthProperties properties, @Value("${server.address:127.0.0.1}") String address) throws Exception {
    String[] anyRole = {Role.SUBMITTER.name(), Role.AUDITOR.name(), Role.OPERATOR.name()};
    String operator = Role.OPERATOR.name();
    String[] runners = {Role.SUBMITTER.name(), Role.OPERATOR.name()};
    String[] auditors = {Role.AUDITOR.name(), Role.OPERATOR.name()};
    http.csrf(csrf -> csrf.disable())
        .httpBasic(basic -> basic.disable())
        .formLogin(form -> form.disable())
        .logout(logout -> logout.disable())
        .requestCache(cache -> cache.disable())
        .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(routes -> routes
            // The request dispatch was authorized already; the error page and async completions follow it.
            .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
            .requestMatchers(HttpMethod.GET, "/api/v1/health", "/v3/api-docs", "/v3/api-docs/**").permitAll()
            // The dashboard's static files and how it may sign in: what they show comes from the API, with the
            // signed-in user's token.
            .requestMatchers(HttpMethod.GET, "/", "/index.html", "/ui/**", "/webjars/**",
                "/api/v1/auth/options").permitAll()
            .requestMatchers("/error").permitAll()
            .requestMatchers("/api/v1/tokens", "/api/v1/tokens/**").hasRole(operator)
            // Metrics (/actuator/prometheus, the only endpoint served) are the operators'; so is anything else
            // under /actuator, which then answers 404.
            .requestMatchers("/actuator", "/actuator/**").hasRole(operator)
            .requestMatchers("/api/v1/job/*/history").hasRole(operator)
            .requestMatchers(HttpMethod.POST, "/api/v1/compendium", "/api/v1/compendium/").hasAnyRole(runners)
            .requestMatchers(HttpMethod.POST, "/api/v1/job", "/api/v1/job/").hasAnyRole(runners)
            .requestMatchers("/api/v1/audit", "/api/v1/audit/**").hasAnyRole(auditors)
            // Storage: the sweeps are the operators'; usage (which any auditor could add up from the jobs they
            // read) and pinning jobs against retention are the auditors' too.
            .requestMatchers("/api/v1/storage/sweeps", "/api/v1/storage/sweeps/**").hasRole(operator)
            .requestMatchers("/api/v1/storage", "/api/v1/storage/", "/api/v1/storage/**").hasAnyRole(auditors)
            .requestMatchers(HttpMethod.POST, "/api/v1/job/*/pin").hasAnyRole(auditors)
            .requestMatchers(HttpMethod.DELETE, "/api/v1/job/*/pin").hasAnyRole(auditors)
            .anyRequest().hasAnyRole(anyRole))
        .exceptionHandling(errors -> errors.authenticationEntryPoint(entryPoint()).accessDeniedHandler(denied()))
        .oauth2ResourceServer(server -> server.authenticationManagerResolver(managers(tokens, throttle,
                properties.oidc())).authenticationEntryPoint(entryPoint()).accessDeniedHandler(denied()));
    if (properties.off()) {
      requireLoopback(address);
      log.warn("**** REPRISE_AUTH=off: AUTHENTICATION IS OFF. Every request acts as an operator. This setting is "
          + "for benchmarks on one machine only; never serve a port with it. ****");
      http.addFilterBefore(new EveryoneIsOperator(), AuthorizationFilter.class);
    }
    if (properties.oidc().enabled()) {
      log.info("JWTs are accepted next to Reprise tokens (issuer {}, keys {}, audience {}, roles claim {}, user "
          + "claim {})", properties.oidc().issuerUri(), properties.oidc().jwksUri() == null
              ? "from the issuer's discovery" : properties.oidc().jwksUri(), properties.oidc().audience(),
          properties.oidc().rolesClaim(), properties.oidc().userClaim());
    }
    return http.build();
  }

  /**
   * REPRISE_AUTH=off only on a loopback address. An empty address is refused too: the server then listens on every
   * interface, while InetAddress reads the empty name as loopback.
   */
  static void requireLoopback(String address) {
    String refused = "REPRISE_AUTH=off is for benchmarks on one machine: the API must then listen on a loopback "
        + "address (REPRISE_API_ADDRESS), not ";
    if (address == null || address.isBlank()) {
      throw new IllegalStateException(refused + "an empty one, which is every interface");
    }
    boolean loopback;
    try {
      loopback = InetAddress.getByName(address.trim()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new IllegalStateException(refused + address);
    }
  }

  /**
   * A Reprise token (rpr_...) is looked up in the token store (its cache of verified tokens first); anything else is
   * a JWT when OIDC is configured, and not valid otherwise. Every wrong token counts against the client's address,
   * and a wrong token from an address that presented too many is answered 429 rather than 401. A token that
   * verifies is never slowed down: behind a reverse proxy every client shares the proxy's address, and one guesser
   * must not lock the others out.
   */
  static AuthenticationManagerResolver<HttpServletRequest> managers(TokenStore tokens, FailureThrottle throttle,
      AuthProperties.Oidc oidc) {
    AuthenticationManager jwt = oidc.enabled() ? jwtManager(oidc) : null;
    return request -> {
      String address = request.getRemoteAddr();
      return authentication -> {
        String token = ((BearerTokenAuthenticationToken) authentication).getToken();
        try {
          if (token.startsWith(TokenStore.PREFIX)) {
            Caller caller;
            try {
              caller = tokens.verify(token).orElseThrow(() -> new InvalidBearerTokenException(NOT_VALID));
            } catch (StorageException e) {
              throw new AuthenticationServiceException("the token store is unavailable", e);
            }
            return authenticated(caller);
          }
          if (jwt == null) {
            throw new InvalidBearerTokenException(NOT_VALID);
          }
          return jwt.authenticate(authentication);
        } catch (AuthenticationServiceException e) {
          throw e;
        } catch (AuthenticationException e) {
          Optional<Duration> wait = throttle.blocked(address);
          throttle.failed(address);
          if (wait.isPresent()) {
            throw new Throttled(wait.get());
          }
          throw e;
        }
      };
    };
  }

  private static AuthenticationManager jwtManager(AuthProperties.Oidc oidc) {
    NimbusJwtDecoder decoder = oidc.jwksUri() != null ? NimbusJwtDecoder.withJwkSetUri(oidc.jwksUri()).build()
        : NimbusJwtDecoder.withIssuerLocation(oidc.issuerUri()).build();
    decoder.setJwtValidator(jwtValidator(oidc));
    JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
    provider.setJwtAuthenticationConverter(new JwtRoles(oidc.rolesClaim(), oidc.userClaim()));
    return provider::authenticate;
  }

  /**
   * What a JWT with a good signature must also satisfy: its times, the issuer when one is set, and always the
   * audience, so a token the provider issued for another application does not open Reprise. Without an audience
   * JWTs are refused at start (see {@link #requireAudience}).
   */
  static OAuth2TokenValidator<Jwt> jwtValidator(AuthProperties.Oidc oidc) {
    requireAudience(oidc);
    List<OAuth2TokenValidator<Jwt>> checks = new ArrayList<>();
    if (oidc.issuerUri() != null) {
      checks.add(new JwtIssuerValidator(oidc.issuerUri()));
    }
    checks.add(new JwtAudienceValidator(oidc.audience()));
    return JwtValidators.createDefaultWithValidators(checks);
  }

  /** JWTs on without an audience would accept any token of the provider, for any application: refused. */
  static void requireAudience(AuthProperties.Oidc oidc) {
    if (oidc.enabled() && oidc.audience() == null) {
      throw new IllegalStateException("JWTs are on (REPRISE_OIDC_ISSUER_URI or REPRISE_OIDC_JWKS_URI is set) but "
          + "REPRISE_OIDC_AUDIENCE is not: set it to the client id your identity provider issues Reprise's tokens "
          + "for (the aud claim)");
    }
  }

  static Authentication authenticated(Caller caller) {
    return UsernamePasswordAuthenticationToken.authenticated(caller, null,
        List.of(new SimpleGrantedAuthority(caller.role().authority())));
  }

  /**
   * 401 with WWW-Authenticate; the same answer for every wrong token, whatever was wrong with it. 429 with
   * Retry-After for a wrong token from an address that presented too many.
   */
  static AuthenticationEntryPoint entryPoint() {
    return (request, response, exception) -> {
      if (exception instanceof Throttled throttled) {
        long seconds = Math.max(1, (throttled.wait.toMillis() + 999) / 1000);
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        JsonAnswers.error(response, 429, "too many wrong tokens from this address; try again in " + seconds + " s");
        return;
      }
      if (exception instanceof AuthenticationServiceException) {
        log.warn("authentication could not be checked: {}", exception.getMessage());
        JsonAnswers.error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
            "the token store is unavailable; try again shortly");
        return;
      }
      boolean presented = request.getHeader(HttpHeaders.AUTHORIZATION) != null;
      if (presented && !(exception instanceof InsufficientAuthenticationException)) {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
        JsonAnswers.error(response, HttpServletResponse.SC_UNAUTHORIZED, NOT_VALID);
      } else {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        JsonAnswers.error(response, HttpServletResponse.SC_UNAUTHORIZED,
            "this route needs a bearer token: send Authorization: Bearer <token>");
      }
    };
  }

  static AccessDeniedHandler denied() {
    return (request, response, exception) -> {
      Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
      Optional<Role> role = authentication == null ? Optional.empty() : authentication.getAuthorities().stream()
          .map(authority -> Role.ofAuthority(authority.getAuthority())).flatMap(Optional::stream)
          .max(Enum::compareTo);
      JsonAnswers.error(response, HttpServletResponse.SC_FORBIDDEN, role.map(r -> "the role " + r.wireName()
          + " may not use this route; see the roles matrix in the README").orElse("the identity carries no Reprise "
          + "role; roles are " + Role.names()));
    };
  }

  /** A wrong token from an address that presented too many: answered 429 by the entry point. */
  static final class Throttled extends AuthenticationException {

    private final transient Duration wait;

    Throttled(Duration wait) {
      super("too many wrong tokens from this address");
      this.wait = wait;
    }
  }

  /** REPRISE_AUTH=off: a request without a caller acts as the operator 'benchmark'. */
  static final class EveryoneIsOperator extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      Authentication current = SecurityContextHolder.getContext().getAuthentication();
      if (current == null || !current.isAuthenticated()
          || current instanceof org.springframework.security.authentication.AnonymousAuthenticationToken) {
        SecurityContextHolder.getContext().setAuthentication(authenticated(new Caller("benchmark",
            Role.OPERATOR)));
      }
      chain.doFilter(request, response);
    }
  }
}
