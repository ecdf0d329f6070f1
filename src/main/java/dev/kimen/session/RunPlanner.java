package dev.kimen.session;

import dev.kimen.unlock.SessionKeys;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans a {@code kimen run} inside the session daemon for the native client, which then starts
 * the command itself, with no JVM ({@link Protocol.RunPlan}). The planning is kimen's own run
 * code ({@code dev.kimen.cli.FastRun}); this interface only keeps the session package from
 * depending on the command line.
 */
public interface RunPlanner {
    /**
     * The command to exec for {@code kimen <args>} run in {@code cwd} with {@code env}, its vault
     * keys taken only from {@code keys}; empty whenever the run needs more than an exec (files,
     * stdin, masking, a passphrase, an error to report): the client then starts the JVM, which
     * does it all the usual way.
     */
    Optional<Launch> plan(Path cwd, List<String> args, Map<String, String> env, SessionKeys keys);

    /**
     * Plans a throwaway run, so the first client's does not pay for loading the code (the daemon
     * runs it interpreted). {@code scratch}: a private directory it may write a file in.
     */
    void warmUp(Path scratch);

    /** What to exec: the resolved program, argv, the environment, and warnings for stderr first. */
    record Launch(Path program, List<String> argv, Map<String, String> env, String notes) {}
}
