package dev.kimen.cli;

import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import dev.kimen.term.Terminal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the CLI in-process with injected streams and environment. */
final class CliRun {
    final Path home;
    final Map<String, String> env = new HashMap<>();
    Terminal terminal = Terminal.none();
    /** The working directory; HOME unless a test moves it. */
    Path cwd;
    /** The clock of Context.today(); the system's when null. */
    java.time.Clock clock;

    CliRun(Path home) {
        this.home = home;
        this.cwd = home;
        env.put("HOME", home.toString());
        env.put("PATH", System.getenv("PATH"));
    }

    /** A terminal on stdout (fd 1) and nowhere else, with no one to answer a prompt. */
    static Terminal stdoutIsATerminal() {
        return new Terminal() {
            @Override
            public boolean isTerminal(int fd) {
                return fd == 1;
            }

            @Override
            public java.util.Optional<dev.kimen.crypto.SecretBytes> readSecret(String prompt) {
                return java.util.Optional.empty();
            }
        };
    }

    record Result(int code, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        JsonObject json() {
            try {
                return JsonParser.object().from(out());
            } catch (JsonParserException e) {
                throw new AssertionError("stdout is not JSON: " + out() + " / " + stderr, e);
            }
        }

        JsonObject errorJson() {
            try {
                return JsonParser.object().from(stderr);
            } catch (JsonParserException e) {
                throw new AssertionError("stderr is not JSON: " + stderr, e);
            }
        }
    }

    Result run(String... args) {
        return runWithStdin(new byte[0], args);
    }

    Result runWithStdin(byte[] stdin, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var ctx = new Context(new ByteArrayInputStream(stdin), new PrintStream(out, true),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, terminal, cwd);
        if (clock != null) {
            ctx.clock(clock);
        }
        int code = Cli.run(ctx, args);
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
