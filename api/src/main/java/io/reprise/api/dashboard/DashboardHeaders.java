package io.reprise.api.dashboard;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The dashboard's pages run only the dashboard's own scripts: a content security policy that allows scripts,
 * styles and fetches from this origin alone (plus the identity provider's token endpoint, where the browser trades
 * a sign-in code for a token, as far as it is known: the sign-in page asks for it before the browser leaves, so
 * the page the provider sends the browser back to has it), pictures also from blob: URLs (previews of a job's files), and no framing. A
 * program's output that smuggled markup into a page could therefore not run or send anything anywhere. API
 * answers keep their own headers.
 */
class DashboardHeaders extends OncePerRequestFilter {

  private final SignInOptions signIn;

  DashboardHeaders(SignInOptions signIn) {
    this.signIn = signIn;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return path.startsWith("/api/") || path.startsWith("/actuator") || path.startsWith("/v3/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String connect = "'self'" + signIn.known().map(oidc -> " " + origin(oidc.tokenEndpoint())).orElse("");
    response.setHeader("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
        + "img-src 'self' blob:; connect-src " + connect + "; base-uri 'none'; form-action 'self'; "
        + "frame-ancestors 'none'");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("X-Content-Type-Options", "nosniff");
    chain.doFilter(request, response);
  }

  private static String origin(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }
}
