package dev.kimen.session;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a kimen (or mima) command inside the session daemon for the native client, which then
 * does what is left with no JVM started ({@link Protocol.RunPlan}): execs the command a
 * {@code run} planned, or writes what an output-only command ({@code env}, {@code secret get},
 * the hook's load) printed. The work is kimen's own command code ({@code dev.kimen.cli.FastRun});
 * this interface only keeps the session package from depending on the command line.
 */
public interface RunPlanner {
    /**
     * What the client is to do for {@code request}, its vault keys and keyring items taken only
     * from {@code held};
     * empty whenever the command needs more than the daemon does (stdin, a prompt, a passphrase,
     * a program to start, a keyring item not held, an error to report): the client then starts the JVM, which
     * does it all the usual way.
     */
    Optional<Answer> plan(Request request, Held held);

    /**
     * Plans a throwaway run, so the first client's does not pay for loading the code.
     * {@code scratch}: a private directory it may write a file in.
     */
    void warmUp(Path scratch);

    /**
     * The client's command: its program (kimen or mima), working directory, arguments and
     * environment, which of its descriptors 0-2 are terminals (bit n: descriptor n), and its
     * parent process (the shell, usually), which the JVM would have as its own parent.
     */
    record Request(String program, Path cwd, List<String> args, Map<String, String> env, int terminals, long parentPid) {}

    sealed interface Answer {}

    /** What to exec: the resolved program, argv, the environment, and warnings for stderr first. */
    record Launch(Path program, List<String> argv, Map<String, String> env, String notes) implements Answer {}

    /** What the command printed, stdout's bytes and stderr's text, having exited 0. */
    record Printed(byte[] out, String notes) implements Answer {}
}
