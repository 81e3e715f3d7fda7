package io.reprise.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Prints the bash completion script that picocli generates from the commands themselves, so it always knows every
 * command and option: {@code source <(bash cli/reprise completion)}. The script also works in zsh after
 * {@code autoload -U +X bashcompinit && bashcompinit}.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print the bash completion script.", "Use it with: source <(bash cli/reprise completion)"})
final class CompletionCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Reprise root = (Reprise) spec.root().userObject();
    root.context().out().print(AutoComplete.bash("reprise", spec.root().commandLine()));
    return Reprise.OK;
  }
}
