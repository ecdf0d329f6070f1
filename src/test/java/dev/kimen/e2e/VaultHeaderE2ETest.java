package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import dev.kimen.crypto.KdfParams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A vault header's Argon2id costs are the file writer's, read before anything is authenticated
 * (SECURITY.md). Beyond {@link KdfParams}' bounds the file is refused unread; within them, a
 * memory cost the process cannot have is a one-line {@code invalid_vault_file}, through libargon2
 * and through the pure-Java fallback alike, never a crash. Either way the file is left as it was.
 */
class VaultHeaderE2ETest {
    private static final String PASS = "e2e header passphrase";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS);

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void aMemoryCostBeyondWhatTheProcessMayHaveIsAOneLineError(String argon2) throws IOException {
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        Path vault = withHeader(kimen, "argon2id " + KdfParams.MAX_MEMORY_KIB + " 3 4");
        byte[] before = Vaults.bytes(vault);
        // A small heap stops BouncyCastle; a small address space (a launcher that sets it) stops libargon2's malloc.
        Kimen limited = argon2.equals("java") ? kimen.with("JDK_JAVA_OPTIONS", "-Xmx96m -Dkimen.argon2=java")
                : kimen.with("JDK_JAVA_OPTIONS", "-Xmx64m -XX:CompressedClassSpaceSize=64m -XX:ReservedCodeCacheSize=32m")
                        .using(launcher(tmp.resolve("kimen-1.5g"), "ulimit -v 1500000"));
        Kimen.Result r = limited.run("secret", "list", "--json");
        JsonObject error = withoutJvmNote(r).failsWith(25, "invalid_vault_file");
        assertTrue(error.getString("error").contains((KdfParams.MAX_MEMORY_KIB / 1024) + " MiB of memory"), error.toString());
        assertArrayEquals(before, Vaults.bytes(vault), "a refused vault is left as it was");
    }

    @ParameterizedTest
    @ValueSource(strings = {"argon2id 1048577 3 4", "argon2id 65536 17 4", "argon2id 65536 3 17"})
    void costsBeyondTheBoundsAreRefusedUnread(String header) throws IOException {
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        Path vault = withHeader(kimen, header);
        byte[] before = Vaults.bytes(vault);
        JsonObject error = kimen.runWithStdin("x", "secret", "set", "header.x", "--stdin", "--json")
                .failsWith(25, "invalid_vault_file");
        assertTrue(error.getString("error").contains("out of range"), error.toString());
        assertArrayEquals(before, Vaults.bytes(vault));
    }

    /** A launcher that runs {@code setup} and then bin/kimen. */
    private static Path launcher(Path file, String setup) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + setup + "\nexec '" + Kimen.LAUNCHER + "' \"$@\"\n");
        assertTrue(file.toFile().setExecutable(true));
        return file;
    }

    /** A vault whose second line, the Argon2id parameters, says {@code header}. */
    private static Path withHeader(Kimen kimen, String header) throws IOException {
        Path vault = Vaults.create(kimen.defaultVault(), PASS, Map.of("header.a", Canary.bytes()));
        String[] lines = Files.readString(vault, StandardCharsets.US_ASCII).split("\n", -1);
        lines[1] = header;
        Files.writeString(vault, String.join("\n", lines), StandardCharsets.US_ASCII);
        return vault;
    }

    /** The java launcher's note that it read JDK_JAVA_OPTIONS, which comes before kimen's own output. */
    private static Kimen.Result withoutJvmNote(Kimen.Result r) {
        return new Kimen.Result(r.args(), r.exit(), r.stdout(),
                r.stderr().replaceFirst("^NOTE: Picked up JDK_JAVA_OPTIONS: [^\n]*\n", ""));
    }
}
