package io.reprise.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Forgets the saved token (the server keeps it valid: an operator revokes tokens). */
@Command(name = "logout", mixinStandardHelpOptions = true,
    description = "Delete the saved token. It stays valid on the server until an operator revokes it.")
final class LogoutCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Override
  public Integer call() {
    TokenFile file = common.settings().tokenFile();
    boolean had = file.delete();
    if (common.json) {
      common.printJson(Api.JSON.createObjectNode().put("deleted", had));
    } else {
      common.out().println(had ? "Deleted " + file.tokenPath() : "No saved token");
    }
    return Reprise.OK;
  }
}
