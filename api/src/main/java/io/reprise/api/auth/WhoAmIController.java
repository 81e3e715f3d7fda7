package io.reprise.api.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who the bearer token of the request belongs to: {@code {"user": "...", "role": "..."}}, for any role. A client
 * checks its token with it, and the worker asks it whether a token that wants the worker's metrics is an
 * operator's, since the worker cannot read the token store.
 */
@RestController
class WhoAmIController {

  @GetMapping("/api/v1/whoami")
  Map<String, String> whoami() {
    Caller caller = Caller.current();
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("user", caller.user());
    answer.put("role", caller.role().wireName());
    return answer;
  }
}
