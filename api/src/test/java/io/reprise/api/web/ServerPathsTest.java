package io.reprise.api.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Which paths the API hides in the texts it shows, and which it keeps because they are the user's. */
class ServerPathsTest {

  @Test
  void hidesTheWorkersFoldersAndHostPaths() {
    String[][] cases = {
        {"could not read /tmp/reprise-jobs/abc/work/h\\secret: gone", "could not read <path>: gone"},
        {"store /work/main/.state/service/it/work/abc/work/a failed", "store <path> failed"},
        {"see /home/alice/x and /root/.ssh/id", "see <path> and <path>"},
        {"'/var/lib/docker/overlay2/x'", "'<path>'"},
        {"(/usr/local/lib/python3.12/site.py)", "(<path>)"},
        {"jobs at /srv/reprise-jobs/abc", "jobs at <path>"},
    };
    for (String[] c : cases) {
      assertEquals(c[1], ServerPaths.hide(c[0]), c[0]);
    }
  }

  @Test
  void keepsUrlsTheContainersWorkFolderAndBareRoots() {
    String[] kept = {
        "the whole log is /api/v1/job/abc/data/logs/execute.log",
        "wrote /work/results/summary.txt",
        "the working directory is /work",
        "fetched http://127.0.0.1:9000/var/x and https://example.org/home/y",
        "a relative path work/tmp/x and ./tmp/y",
        "the folder /tmp",
        "no path here",
    };
    for (String text : kept) {
      assertEquals(text, ServerPaths.hide(text));
    }
    assertNull(ServerPaths.hide(null));
  }
}
