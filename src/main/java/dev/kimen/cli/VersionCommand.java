package dev.kimen.cli;

import dev.kimen.crypto.Argon2id;
import dev.kimen.json.Json;
import dev.kimen.process.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kimen version}. */
@Command(name = "version", description = {"Print kimen's version.",
    "--verbose adds what makes it start and unlock fast, or not: the Java runtime, the AOT cache this start"
        + " mapped (none: KIMEN_AOT=off, or a cache the JVM refused), and whether Argon2id runs in libargon2 or in"
        + " pure Java, kimen's native helper (SIGQUIT forwarding, a fast session client; none where kimen was"
        + " built without a C compiler), and the native client that runs `kimen run` with a session without a JVM."},
        footerHeading = "%nExamples:%n", footer = {"  kimen version", "  kimen version --verbose --json"})
public final class VersionCommand extends BaseCommand {
    @Option(names = "--verbose", description = "Also the runtime, the AOT cache in use, the Argon2id implementation, the native helper"
            + " and the native run client.")
    boolean verbose;

    public VersionCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        String line = Cli.program() + " " + Version.value();
        if (!verbose) {
            return ok("version", Json.object("version", Version.value()), line);
        }
        String runtime = System.getProperty("java.home") + " (" + Runtime.version() + ")";
        String cache = aotCache();
        String argon2 = Argon2id.nativeAvailable() ? "libargon2" : "bouncycastle";
        String helper = NativeLibrary.loaded() ? NativeLibrary.path().toString() : null;
        String fastRun = "off".equals(ctx.env().get("KIMEN_FASTRUN")) ? null : System.getProperty("kimen.fastrun");
        return ok("version", Json.object("version", Version.value(), "java", runtime, "aot_cache", cache, "argon2", argon2,
                        "native_helper", helper, "fast_run", fastRun),
                line + "\njava: " + runtime + "\naot cache: " + (cache == null ? "none" : cache)
                        + "\nargon2id: " + (argon2.equals("libargon2") ? "libargon2 (native)"
                        : "bouncycastle (pure Java, about 3x slower; install libargon2-1)")
                        + "\nnative helper: " + (helper != null ? helper
                        : "none (SIGQUIT is not forwarded; session calls start slower; build with a C compiler)")
                        + "\nfast run: " + (fastRun != null ? fastRun + " (with a session, run, env, secret get and the hook start no JVM)"
                        : "none (every run starts the JVM: KIMEN_FASTRUN=off, a launcher without the client, or the .deb's)"));
    }

    /** The AOT cache file mapped into this JVM, or null: the JVM has no API for it, /proc/self/maps tells. */
    private static String aotCache() {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1)).filter(p -> p.endsWith(".aot")).findFirst().orElse(null);
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }
}
