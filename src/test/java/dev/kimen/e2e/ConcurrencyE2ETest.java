package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §2: concurrent writers are serialised with a lock and never lose each other's update.
 * Sixteen real bin/kimen processes write at once, each three secrets in a row.
 */
class ConcurrencyE2ETest {
    private static final String PASS = "e2e concurrency passphrase";
    private static final int WRITERS = 16;
    private static final int WRITES_EACH = 3;

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS);

    @TempDir
    Path tmp;

    @Test
    void concurrentWritersLoseNoUpdate() throws Exception {
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        Path vault = Vaults.create(kimen.defaultVault(), PASS, Map.of());

        var expected = new TreeMap<String, byte[]>();
        expected.put(Canary.NAME, Canary.bytes());
        for (int w = 0; w < WRITERS; w++) {
            for (int i = 0; i < WRITES_EACH; i++) {
                expected.put(name(w, i), value(w, i));
            }
        }

        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            var start = new CountDownLatch(1);
            var writers = new ArrayList<Future<?>>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < WRITES_EACH; i++) {
                        kimen.runWithStdin(value(writer, i), "secret", "set", name(writer, i), "--stdin").ok();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : writers) {
                f.get(); // rethrows a writer's failed assertion
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(List.copyOf(expected.keySet()), kimen.run("secret", "list", "--json").json().getArray("names"));
        Map<String, byte[]> contents = Vaults.read(vault, PASS);
        assertEquals(expected.keySet(), contents.keySet());
        expected.forEach((name, value) -> assertArrayEquals(value, contents.get(name), name));
        // Spot checks through the CLI as well: the first and the last writer's last secret.
        assertArrayEquals(value(0, WRITES_EACH - 1),
                kimen.run("secret", "get", name(0, WRITES_EACH - 1)).ok().stdout());
        assertArrayEquals(value(WRITERS - 1, WRITES_EACH - 1),
                kimen.run("secret", "get", name(WRITERS - 1, WRITES_EACH - 1)).ok().stdout());
        assertEquals(List.of(), tempFiles(vault), "every writer removed its temp file");
        assertEquals("rw-------", Vaults.mode(vault));
    }

    static List<String> tempFiles(Path vault) throws IOException {
        try (Stream<Path> files = Files.list(vault.getParent())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("." + vault.getFileName() + ".tmp-")).toList();
        }
    }

    private static String name(int writer, int i) {
        return "writer" + writer + ".secret" + i;
    }

    /** Distinct per name, binary, of varying length. */
    private static byte[] value(int writer, int i) {
        byte[] tail = ("value of " + name(writer, i) + " ").repeat(1 + writer * 3 + i).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[tail.length + 3];
        out[0] = (byte) writer;
        out[1] = (byte) 0xff;
        out[2] = (byte) i;
        System.arraycopy(tail, 0, out, 3, tail.length);
        return out;
    }
}
