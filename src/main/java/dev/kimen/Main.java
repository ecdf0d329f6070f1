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
        // Whatever this start reads (a passphrase, keys, values) must not land in a core dump, nor
        // be read through ptrace by another process of the user. Through the JNI helper this costs
        // microseconds; without it (the FFM API's first call, ~50 ms) only `run` does it (Runner).
        if (dev.kimen.process.NativeLibrary.loaded()) {
            dev.kimen.process.Libc.notDumpable();
        }
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
