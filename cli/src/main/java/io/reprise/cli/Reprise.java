package io.reprise.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code reprise} command: Reprise's API for people at a terminal and for scripts. Exit codes: 0 success, 1 the
 * job (or comparison, or audit) did not succeed, 2 a usage error, a connection error or an error answer from the
 * server.
 */
@Command(name = "reprise", mixinStandardHelpOptions = true, versionProvider = Reprise.Version.class,
    description = "Runs research compendia reproducibly on a Reprise server, and shows their jobs.",
    subcommands = {LoginCommand.class, LogoutCommand.class, WhoamiCommand.class, RunCommand.class,
        JobsCommand.class, ShowCommand.class, LogsCommand.class, FilesCommand.class, GetCommand.class,
        CancelCommand.class, RerunCommand.class, CompareCommand.class, AuditCommand.class, DeleteCommand.class,
        PinCommand.class, CompletionCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {"  0  success", "  1  the job failed, a comparison did not reproduce, or a watched audit not all",
        "  2  usage error, connection error, or an error answer from the server"})
public final class Reprise implements Runnable {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int ERROR = 2;

  private final Context context;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--server", paramLabel = "URL",
      description = "The Reprise server, for every command (a command's own --server wins).")
  String server;

  Reprise(Context context) {
    this.context = context;
  }

  Context context() {
    return context;
  }

  @Override
  public void run() {
    // No command: show what there is, on stderr, as a usage error would.
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed");
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
        StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
        StandardCharsets.UTF_8);
    // cli/reprise says whether stdout is a terminal; run as a bare jar, the JVM's console (stdin and stdout) decides.
    String told = System.getenv("REPRISE_STDOUT_IS_TERMINAL");
    boolean terminal = (told != null ? told.equals("1") : System.console() != null)
        && !"dumb".equals(System.getenv("TERM"));
    int code = execute(new Context(Settings.fromSystem(), System.in, out, err, terminal), args);
    out.flush();
    System.exit(code);
  }

  /** Runs the command line in the context given and answers the exit code. */
  static int execute(Context context, String... args) {
    CommandLine commandLine = commandLine(context);
    try {
      return commandLine.execute(args);
    } finally {
      context.out().flush();
    }
  }

  static CommandLine commandLine(Context context) {
    CommandLine commandLine = new CommandLine(new Reprise(context));
    commandLine.setOut(new PrintWriter(context.out(), true));
    commandLine.setErr(new PrintWriter(context.err(), true));
    commandLine.setParameterExceptionHandler((problem, args) -> {
      PrintWriter err = problem.getCommandLine().getErr();
      err.println("reprise: " + Clean.line(problem.getMessage()));
      err.println("Try '" + problem.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return ERROR;
    });
    commandLine.setExecutionExceptionHandler((problem, line, parsed) -> {
      PrintWriter err = line.getErr();
      if (problem instanceof CliException known) {
        err.println("reprise: " + known.getMessage());
        if (known.status() == 401) {
          err.println("reprise: log in with 'reprise login', or set REPRISE_TOKEN");
        }
      } else if (problem instanceof CommandLine.ParameterException usage) {
        err.println("reprise: " + Clean.line(usage.getMessage()));
      } else {
        err.println("reprise: unexpected error: " + problem.getClass().getSimpleName()
            + (problem.getMessage() == null ? "" : ": " + Clean.line(problem.getMessage())));
      }
      return ERROR;
    });
    commandLine.setExitCodeExceptionMapper(problem -> ERROR);
    return commandLine;
  }

  /** The version from the jar's manifest (the Maven project version), or "development" from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Reprise.class.getPackage().getImplementationVersion();
      return new String[] {"reprise " + (version == null ? "development" : version)};
    }
  }
}
