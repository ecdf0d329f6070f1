package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.session.Held;
import dev.kimen.session.RunPlanner;
import dev.kimen.session.RunPlanner.Launch;
import dev.kimen.vault.TestVaults;
import dev.kimen.vault.VaultKey;
import dev.kimen.vault.store.VaultStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run the session daemon plans for the native client ({@link FastRun}): the usual run code,
 * handed over only when an exec is all that is left, with the key only from the held keys.
 */
class FastRunTest {
    private static final String VALUE = "fast-run-value-91c4";

    @TempDir Path home;
    Path vaultFile;
    VaultKey key;
    final Map<String, String> env = new HashMap<>();
    final List<Path> asked = new ArrayList<>();
    /** The held keys: this vault's, and a record of what was asked for. */
    final Held held = (vault, params, salt) -> {
        asked.add(vault);
        return Optional.of(key.copy());
    };

    @BeforeEach
    void setUp() {
        vaultFile = home.resolve(".config/kimen/vault.kv");
        VaultStore store = TestVaults.create(vaultFile, "pw");
        TestVaults.put(store, "app.token", VALUE);
        key = store.unlockedKey();
        store.close();
        env.put("HOME", home.toString());
        env.put("PATH", System.getenv("PATH"));
        env.put("KEEP_ME", "from the client");
    }

    @AfterEach
    void tearDown() {
        key.close();
    }

    Optional<RunPlanner.Answer> answer(String program, int terminals, String... args) {
        return new FastRun().plan(new RunPlanner.Request(program, home, List.of(args), env, terminals,
                ProcessHandle.current().pid()), held);
    }

    /** A run's answer: a Launch, or none. */
    Optional<Launch> plan(String... args) {
        return answer("kimen", 0, args).map(a -> assertInstanceOf(Launch.class, a));
    }

    /** What an output-only command printed: stderr, then stdout; or none. */
    Optional<String> printed(String program, int terminals, String... args) {
        return answer(program, terminals, args).map(a -> assertInstanceOf(RunPlanner.Printed.class, a))
                .map(p -> p.notes() + "|" + new String(p.out(), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Sets the user's config through the command line, as a user would. */
    void config(String... args) {
        var cli = new CliRun(home);
        cli.env.putAll(env);
        assertEquals(0, cli.run(args).code(), String.join(" ", args));
    }

    @Test
    void aPlainRunIsHandedOverWithTheClientsEnvironmentAndTheSecret() throws Exception {
        Launch launch = plan("run", "--env", "TOKEN=app.token", "--env", "C=const:c", "--", "true", "an arg").orElseThrow();
        assertEquals(List.of("true", "an arg"), launch.argv(), "argv[0] as typed, as execvp(3) passes it");
        assertTrue(launch.program().isAbsolute() && Files.isSameFile(launch.program(), Path.of("/usr/bin/true"))
                || launch.program().getFileName().toString().equals("true"), launch.program().toString());
        assertEquals(VALUE, launch.env().get("TOKEN"));
        assertEquals("c", launch.env().get("C"));
        assertEquals("from the client", launch.env().get("KEEP_ME"), "the client's environment is the base");
        assertEquals("", launch.notes());
        assertEquals(List.of(vaultFile.toRealPath()), asked, "the key came from the held keys, for the canonical path");
    }

    @Test
    void theProgramIsFoundOnTheCommandsPathAndScrubKeepsOnlyTheSafelist() throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path tool = bin.resolve("tool");
        Files.writeString(tool, "#!/bin/sh\n");
        tool.toFile().setExecutable(true);
        env.put("PATH", bin + ":/usr/bin:/bin");
        Launch launch = plan("run", "--scrub", "--env", "TOKEN=app.token", "--", "tool").orElseThrow();
        assertEquals(tool, launch.program());
        assertEquals(VALUE, launch.env().get("TOKEN"));
        assertFalse(launch.env().containsKey("KEEP_ME"), "--scrub");
        assertEquals(env.get("HOME"), launch.env().get("HOME"));
    }

    @Test
    void warningsGoToTheClientAsNotes() {
        Launch launch = plan("run", "--env", "X=const:a", "--env", "X=app.token", "--", "true").orElseThrow();
        assertTrue(launch.notes().startsWith("kimen: warning: ") && launch.notes().contains("X is also set"), launch.notes());
        assertEquals(VALUE, launch.env().get("X"));
    }

    @Test
    void whatNeedsMoreThanAnExecIsLeftToTheJvm() {
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("a file", new String[] {"run", "--file", "t=app.token", "--", "true"});
        cases.put("stdin", new String[] {"run", "--stdin", "app.token", "--", "true"});
        cases.put("masking", new String[] {"run", "--mask", "--env", "T=app.token", "--", "true"});
        cases.put("a files dir", new String[] {"run", "--files-dir", home.resolve("f").toString(), "--", "true"});
        cases.put("the keyring", new String[] {"run", "--env", "T=keyring:app.token", "--", "true"});
        cases.put("a command's output", new String[] {"run", "--env", "T=exec:echo x", "--", "true"});
        cases.put("a passphrase command", new String[] {"run", "--passphrase-cmd", "echo pw", "--env", "T=app.token", "--", "true"});
        cases.put("stdin's passphrase", new String[] {"run", "--passphrase-stdin", "--env", "T=app.token", "--", "true"});
        cases.put("an unknown command", new String[] {"run", "--env", "T=app.token", "--", "no-such-command-x7"});
        cases.put("an unknown secret", new String[] {"run", "--env", "T=no.such", "--", "true"});
        cases.put("help", new String[] {"run", "--help"});
        cases.put("a usage error", new String[] {"run", "--no-such-option", "--", "true"});
        cases.forEach((what, args) -> assertEquals(Optional.empty(), plan(args), what));
        for (String[] args : List.of(new String[0], new String[] {"secret", "set", "x", "--value", "v"}, new String[] {"secret", "list"},
                new String[] {"group", "list"}, new String[] {"hook", "bash"}, new String[] {"--version"})) {
            assertEquals(Optional.empty(), answer("kimen", 0, args), "not a command the daemon runs: " + List.of(args));
        }
        assertFalse(Files.exists(home.resolve("f")), "the files dir was made");
        try (var files = Files.list(home)) {
            assertEquals(List.of(".config"), files.map(p -> p.getFileName().toString()).toList(), "nothing written");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aVaultTooLargeForTheDaemonsInterpreterIsLeftToTheJvmUnlessNoSecretIsRead() {
        try (var store = new VaultStore(vaultFile, () -> dev.kimen.crypto.SecretBytes.ofUtf8("pw"))) {
            store.update(v -> {
                for (int i = 0; i < 1200; i++) {
                    v.put("filler." + i, dev.kimen.crypto.SecretBytes.ofUtf8("%040d".formatted(i)));
                }
                return null;
            });
        }
        assertTrue(vaultFile.toFile().length() > HandOff.MAX_VAULT_BYTES, "the filler is too small: " + vaultFile.toFile().length());
        assertEquals(Optional.empty(), plan("run", "--env", "TOKEN=app.token", "--", "true"));
        assertTrue(plan("run", "--env", "C=const:c", "--", "true").isPresent(), "no secret read, no vault opened");
    }

    @Test
    void aPassphraseInTheEnvironmentComesBeforeTheSessionSoTheJvmDecides() {
        env.put("KIMEN_PASSPHRASE", "not the passphrase");
        assertEquals(Optional.empty(), plan("run", "--env", "T=app.token", "--", "true"));
        env.put("KIMEN_PASSPHRASE", "");
        assertTrue(plan("run", "--env", "T=app.token", "--", "true").isPresent(), "an empty one is no source");
    }

    @Test
    void noHeldKeyMeansNoPromptAndNoUnlockCommand() throws Exception {
        Path ran = home.resolve("unlock-command-ran");
        config("config", "unlock", "set", "--command", "touch " + ran);
        Optional<RunPlanner.Answer> none = new FastRun().plan(new RunPlanner.Request("kimen", home,
                List.of("run", "--env", "T=app.token", "--", "true"), env, 0, 1), (vault, params, salt) -> Optional.empty());
        assertEquals(Optional.empty(), none);
        assertFalse(Files.exists(ran), "the daemon ran the configured unlock command");
    }

    @Test
    void theAccessLogIsWrittenOnceAndOnlyForAHandedOverRun() throws Exception {
        Path log = home.resolve(".local/share/kimen/access.log");
        config("config", "access-log", "on");
        assertEquals(Optional.empty(), plan("run", "--env", "T=app.token", "--", "no-such-command-x7"));
        assertFalse(Files.exists(log), "a run left to the JVM is logged by the JVM, not twice");
        assertTrue(plan("run", "--env", "T=app.token", "--", "true").isPresent());
        List<String> lines = Files.readAllLines(log);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.getFirst().contains("app.token") && !lines.getFirst().contains(VALUE), lines.getFirst());
    }

    @Test
    void anAccessLogThatCannotBeWrittenIsLeftToTheJvmWhichWarnsWhereTheUserSeesIt() throws Exception {
        config("config", "access-log", "on");
        Files.createDirectories(home.resolve(".local/share"));
        Files.writeString(home.resolve(".local/share/kimen"), "a file where the log's directory goes");
        assertEquals(Optional.empty(), plan("run", "--env", "T=app.token", "--", "true"));
        assertTrue(plan("run", "--env", "C=const:c", "--", "true").isPresent(), "no secret read, nothing to log");
    }

    @Test
    void outputOnlyCommandsComeBackAsWhatTheyPrintedForKimenAndMima() throws Exception {
        assertEquals(Optional.of("|" + VALUE), printed("kimen", 0, "secret", "get", "app.token"));
        assertEquals(Optional.empty(), printed("kimen", 0b010, "secret", "get", "app.token"), "a terminal on stdout: refused, by the JVM");
        assertEquals(Optional.of("mima: warning: printed the secret app.token; mima run <group> -- cmd hands it to one command"
                + " instead\n|" + VALUE), printed("mima", 0b010, "secret", "get", "app.token", "--store", "vault"));
        config("group", "link", "g", "TOKEN", "secret:app.token");
        String env = printed("kimen", 0, "env", "g", "--shell", "sh").orElseThrow();
        assertTrue(env.startsWith("kimen: warning: these values now live") && env.endsWith("|export TOKEN='" + VALUE + "'\n"), env);
        assertTrue(printed("mima", 0, "env", "g", "--shell", "fish").orElseThrow().endsWith("|set -gx TOKEN '" + VALUE + "'\n"));
    }

    @Test
    void mimasBareNamesRunInTheDaemonWhenItsStoreIsTheVaultAndAreTheJvmsWhenItIsTheKeyring() throws Exception {
        config("group", "link", "g", "TOKEN", "app.token"); // a bare name: mima's store
        assertEquals(Optional.empty(), answer("mima", 0, "run", "g", "--", "true"), "the keyring, which the daemon does not open");
        assertEquals(Optional.empty(), answer("kimen", 0, "env", "g"));
        config("config", "mima-store", "vault");
        assertEquals(VALUE, assertInstanceOf(Launch.class, answer("mima", 0, "run", "g", "--", "true").orElseThrow()).env().get("TOKEN"));
        assertEquals(VALUE, plan("run", "g", "--", "true").orElseThrow().env().get("TOKEN"));
    }

    @Test
    void whatAConfinedCommandReachesForIsRefusedEvenWhenTheCommandCatchesIt() throws Exception {
        Path ran = home.resolve("exec-source-ran");
        config("group", "link", "g", "T", "exec:touch " + ran);
        assertEquals(Optional.empty(), answer("kimen", 0, "env", "g"));
        assertEquals(Optional.empty(), answer("kimen", 0, "secret", "get", "app.token", "--passphrase-stdin"));
        assertFalse(Files.exists(ran), "the daemon started the exec: source's command");
    }

    @Test
    void aProjectsProfileRunsInTheDaemonOnceTheProjectIsAllowed() throws Exception {
        Path profiles = Files.createDirectories(home.resolve(".kimen/profiles"));
        Files.writeString(profiles.resolve("p.kmap"), "env TOKEN=app.token\n");
        config("allow", home.toString());
        assertEquals(VALUE, plan("run", "--profile", "p", "--", "true").orElseThrow().env().get("TOKEN"));
    }

    /** The daemon's warm-up runs each kind of command it answers, in a directory it removes. */
    @Test
    void theWarmUpRunsEveryKindOfCommandAndLeavesNothingBehind() throws Exception {
        Path scratch = Files.createDirectories(home.resolve("session"));
        assertEquals(4, new FastRun().warmUpCommands(scratch), "run, env, secret get and the hook's load");
        try (var left = Files.list(scratch)) {
            assertEquals(List.of(), left.toList());
        }
    }
}
