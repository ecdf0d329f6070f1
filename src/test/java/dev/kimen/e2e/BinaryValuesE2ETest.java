package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values are bytes (DESIGN §2, issue 22): a value that is not UTF-8 reaches an exec'd command
 * intact; a command kimen waits for cannot get it through the JDK, so that run is refused naming
 * the variable, also when a session's daemon planned it (which must never pass it on mangled).
 */
class BinaryValuesE2ETest {
    private static final String PASS = "e2e binary values passphrase";
    private static final byte[] BINARY = {(byte) 0xff, (byte) 0xfe, 'a', (byte) 0xe9};

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS);

    @TempDir
    Path tmp;

    @Test
    void aValueThatIsNotUtf8ReachesAnExecIntactAndIsRefusedNamedOtherwise() {
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        Vaults.create(kimen.defaultVault(), PASS, Map.of("bin.token", BINARY));
        String od = "printf %s \"$X\" | od -An -tx1 | tr -d ' \\n'";

        assertEquals("fffe61e9", kimen.run("run", "--exec", "--env", "X=bin.token", "--", "sh", "-c", od).ok().out());
        JsonObject refused = kimen.run("run", "--env", "X=bin.token", "--json", "--", "sh", "-c", od)
                .failsWith(25, "invalid_value");
        assertTrue(refused.getString("error").contains("the value for X is not UTF-8 text")
                && refused.getString("hint").contains("--exec"), refused.toString());

        kimen.run("session", "start").ok();
        try {
            Kimen session = Kimen.in(tmp.resolve("home"), LOG); // no passphrase: the session's key
            session.run("run", "--env", "X=bin.token", "--json", "--", "sh", "-c", od).failsWith(25, "invalid_value");
            assertEquals("fffe61e9", session.run("run", "--exec", "--env", "X=bin.token", "--", "sh", "-c", od).ok().out());
        } finally {
            kimen.run("session", "stop").ok();
        }
    }
}
