package dev.kimen.vault.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.vault.TestVaults;
import dev.kimen.vault.Vault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultStoreTest {
    @Test
    void createMakesPrivateFileAndDirsAndRefusesToReplace(@TempDir Path tmp) throws Exception {
        Path vault = tmp.resolve("a/b/vault.kv");
        TestVaults.create(vault, "pw");
        assertEquals(PrivateFiles.FILE_MODE, Files.getPosixFilePermissions(vault));
        assertEquals(PrivateFiles.DIR_MODE, Files.getPosixFilePermissions(vault.getParent()));
        assertEquals(PrivateFiles.DIR_MODE, Files.getPosixFilePermissions(tmp.resolve("a")));
        byte[] before = Files.readAllBytes(vault);
        var e = assertThrows(KimenException.class, () -> TestVaults.create(vault, "other"));
        assertEquals(Reason.VAULT_EXISTS, e.reason());
        assertArrayEquals(before, Files.readAllBytes(vault));
    }

    @Test
    void missingVaultIsNotFoundAndAsksNoPassphrase(@TempDir Path tmp) {
        var store = new VaultStore(tmp.resolve("none.kv"), () -> {
            throw new AssertionError("passphrase asked for a missing vault");
        });
        assertEquals(Reason.VAULT_NOT_FOUND, assertThrows(KimenException.class, store::open).reason());
    }

    @Test
    void failedChangeWritesNothing(@TempDir Path tmp) throws Exception {
        Path vault = tmp.resolve("vault.kv");
        var store = TestVaults.create(vault, "pw");
        TestVaults.put(store, "a", "1");
        byte[] before = Files.readAllBytes(vault);
        var e = assertThrows(KimenException.class, () -> store.update(v -> {
            v.put("b", SecretBytes.ofUtf8("2"));
            v.remove("missing");
            return null;
        }));
        assertEquals(Reason.SECRET_NOT_FOUND, e.reason());
        assertArrayEquals(before, Files.readAllBytes(vault));
    }

    @Test
    void writeReplacesAtomicallyAndSweepsStaleTemps(@TempDir Path tmp) throws Exception {
        Path vault = tmp.resolve("vault.kv");
        var store = TestVaults.create(vault, "pw");
        Path stale = tmp.resolve(".vault.kv.tmp-123");
        Files.writeString(stale, "left by a killed writer");
        TestVaults.put(store, "a", "1");
        assertFalse(Files.exists(stale));
        try (var names = Files.list(tmp)) {
            assertEquals(java.util.Set.of("vault.kv", "vault.kv.lock"),
                    names.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
        assertEquals(PrivateFiles.FILE_MODE, Files.getPosixFilePermissions(vault));
    }

    @Test
    void concurrentWritersInOneProcessLoseNothing(@TempDir Path tmp) throws Exception {
        Path vault = tmp.resolve("vault.kv");
        TestVaults.create(vault, "pw");
        var pool = Executors.newFixedThreadPool(8);
        var done = new AtomicInteger();
        var futures = new ArrayList<Future<?>>();
        for (int w = 0; w < 8; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                var store = new VaultStore(vault, () -> SecretBytes.ofUtf8("pw"));
                for (int i = 0; i < 5; i++) {
                    TestVaults.put(store, "w" + writer + "." + i, writer + ":" + i);
                    done.incrementAndGet();
                }
            }));
        }
        for (var f : futures) {
            f.get();
        }
        pool.shutdown();
        try (Vault v = new VaultStore(vault, () -> SecretBytes.ofUtf8("pw")).open()) {
            assertEquals(40, v.size());
            assertEquals("3:4", TestVaults.value(v, "w3.4"));
        }
        assertEquals(40, done.get());
    }

    @Test
    void aSymlinkedVaultIsWrittenWhereItReallyIs(@TempDir Path tmp) throws Exception {
        Path real = tmp.resolve("real/vault.kv");
        TestVaults.create(real, "pw");
        Path link = Files.createSymbolicLink(tmp.resolve("link.kv"), real);
        TestVaults.put(new VaultStore(link, () -> SecretBytes.ofUtf8("pw")), "a", "1");
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        try (Vault v = new VaultStore(real, () -> SecretBytes.ofUtf8("pw")).open()) {
            assertEquals("1", TestVaults.value(v, "a"));
        }
    }

    @Test
    void rekeyChangesSaltAndPassphraseAndKeepsBackup(@TempDir Path tmp) throws Exception {
        Path vault = tmp.resolve("vault.kv");
        var store = TestVaults.create(vault, "old");
        TestVaults.put(store, "a", "1");
        byte[] before = Files.readAllBytes(vault);
        Path backup = tmp.resolve("backups/vault.kv.bak");
        assertEquals(1, store.rekey(SecretBytes.ofUtf8("new"), backup));
        assertArrayEquals(before, Files.readAllBytes(backup));
        assertEquals(PrivateFiles.FILE_MODE, Files.getPosixFilePermissions(backup));
        assertTrue(!java.util.Arrays.equals(store.readFile().salt(), new VaultStore(backup, () -> null).readFile().salt()));
        var old = new VaultStore(vault, () -> SecretBytes.ofUtf8("old"));
        assertEquals(Reason.WRONG_PASSPHRASE, assertThrows(KimenException.class, old::open).reason());
        try (Vault v = new VaultStore(vault, () -> SecretBytes.ofUtf8("new")).open()) {
            assertEquals("1", TestVaults.value(v, "a"));
        }
    }
}
