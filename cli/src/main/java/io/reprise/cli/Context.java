package io.reprise.cli;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * What a command runs in: its settings (the environment), its streams, and whether stdout is a terminal. The main
 * method takes them from the process; tests give their own.
 */
record Context(Settings settings, InputStream in, PrintStream out, PrintStream err, boolean terminal) {}
