package dev.kimen;

import dev.kimen.cli.Cli;
import dev.kimen.cli.Context;
import dev.kimen.term.DevTty;
import java.io.PrintStream;
import java.nio.file.Path;

/** The kimen entry point: the only place that touches the process's streams and exit status. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        var out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        var ctx = new Context(System.in, out, System.err, System.getenv(), new DevTty(),
                Path.of("").toAbsolutePath());
        // bin/mima runs the same jar with mima's command surface
        int code = "mima".equals(System.getProperty("kimen.program"))
                ? Cli.run(ctx, dev.kimen.cli.MimaCommand.class, args) : Cli.run(ctx, args);
        out.flush();
        System.exit(code);
    }
}
