package io.reprise.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Fetches one stored file of a job. To a file or a pipe the bytes go as they are; to a terminal they are shown
 * cleaned of control characters, since the program that wrote them may be hostile.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Fetch a stored file of a job, e.g. work/results/summary.txt, to stdout or a file.")
final class GetCommand implements Callable<Integer> {

  @Mixin
  Common common;

  @Parameters(index = "0", paramLabel = "JOB", description = "The job's id.")
  String job;

  @Parameters(index = "1", paramLabel = "PATH", description = "The file's path in the job, as 'files' shows it.")
  String path;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to this file (replaced whole).")
  Path output;

  @Override
  public Integer call() throws IOException {
    StringBuilder encoded = new StringBuilder();
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new CliException("a path has no empty, '.' or '..' part: " + Clean.line(path));
      }
      encoded.append('/').append(Api.segment(part));
    }
    Api api = common.api();
    try (InputStream body = api.download("/api/v1/job/" + Api.segment(job) + "/data" + encoded)) {
      if (output != null && !output.toString().equals("-")) {
        Path absolute = output.toAbsolutePath();
        Path temporary = Files.createTempFile(absolute.getParent(), ".reprise-get-", ".tmp");
        try {
          Files.copy(body, temporary, StandardCopyOption.REPLACE_EXISTING);
          Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(temporary);
        }
        if (!common.json) {
          common.err().println("wrote " + output + " (" + Views.size(Files.size(absolute)) + ")");
        }
      } else if (common.context().terminal()) {
        common.out().print(Clean.text(new String(body.readAllBytes(), StandardCharsets.UTF_8)));
      } else {
        OutputStream out = common.out();
        body.transferTo(out);
        out.flush();
      }
    }
    return Reprise.OK;
  }
}
