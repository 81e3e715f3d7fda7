package io.reprise.api.web;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors outside the controllers leave as {@code {"error": "..."}} too. Spring Boot's /error page (reached when a
 * filter or the container fails a request) is replaced by {@link Endpoint}, and Tomcat's HTML error report (for
 * requests it refuses before any servlet runs) by {@link JsonErrorReportValve}.
 */
public final class ServerErrors {

  private ServerErrors() {}

  /**
   * Puts the JSON valve in place of every error report valve of the host. It runs after Spring Boot's own
   * customizer, which adds a plain ErrorReportValve; naming our class as the host's report valve keeps Tomcat
   * from adding its default one when the host starts.
   */
  @Component
  static class TomcatCustomizer implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
      factory.addContextCustomizers(context -> {
        var host = context.getParent();
        for (Valve valve : host.getPipeline().getValves()) {
          if (valve instanceof ErrorReportValve) {
            host.getPipeline().removeValve(valve);
          }
        }
        if (host instanceof StandardHost standardHost) {
          standardHost.setErrorReportValveClass(JsonErrorReportValve.class.getName());
        }
        host.getPipeline().addValve(new JsonErrorReportValve());
      });
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }
  }

  /**
   * The /error path: the error's status with a text of ours; a direct request for /error is a 404. It is no part
   * of the API, so the OpenAPI description leaves it out.
   */
  @Hidden
  @RestController
  static class Endpoint implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<Map<String, String>> error(HttpServletRequest request) {
      if (!(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer status)) {
        return ApiErrors.body(HttpStatus.NOT_FOUND, JsonErrorReportValve.message(404, null, null));
      }
      int code = status < 400 ? 500 : status;
      Throwable error = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable t ? t : null;
      return ApiErrors.body(HttpStatus.valueOf(code), JsonErrorReportValve.message(code, error, null));
    }
  }
}
