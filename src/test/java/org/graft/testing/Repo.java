package org.graft.testing;

import java.nio.file.Path;

/**
 * Files of the repository (testdata/, examples/, kernels/, docs/) for tests, found from the repository's
 * root rather than the working directory: the suite must also pass when run from elsewhere
 * (tools/test-variations outside-cwd), as a user's command does.
 */
public final class Repo {
    private static final Path ROOT = Path.of(System.getProperty("graft.repo", "")).toAbsolutePath();

    private Repo() {
    }

    /** {@code first/more...} under the repository's root. */
    public static Path path(String first, String... more) {
        return ROOT.resolve(Path.of(first, more));
    }

    /** As {@link #path}, as a string for a command line. */
    public static String arg(String first, String... more) {
        return path(first, more).toString();
    }
}
