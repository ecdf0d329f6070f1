package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kimen on a real terminal (tmux): {@code secret get} will not print to it unless told to,
 * and values and passphrases typed at a prompt are not echoed.
 */
class TerminalE2ETest {
    private static final String PASS = "e2e terminal passphrase";
    private static final String FIRST_PASS = "first-typed-passphrase-1a2b";
    private static final String OTHER_PASS = "other-typed-passphrase-3c4d";
    private static final String SHOWN = "tty-shown-value-5b2e91";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS, FIRST_PASS, OTHER_PASS);

    @TempDir
    Path tmp;

    private Kimen kimen;
    private Kimen unlocked;
    private Tmux tmux;

    @BeforeEach
    void privateUserAndTerminal() {
        kimen = Kimen.in(tmp.resolve("home"), LOG);
        unlocked = kimen.with("KIMEN_PASSPHRASE", PASS);
        tmux = new Tmux(tmp.resolve("tmux"), LOG);
    }

    @AfterEach
    void killTmux() {
        tmux.close();
    }

    @Test
    void getRefusesATerminalUnlessUnsafeStdoutIsGiven() throws JsonParserException {
        Vaults.create(kimen.defaultVault(), PASS, Map.of("tty.value", utf8(SHOWN)));

        Tmux.Pane refused = tmux.start(unlocked, "secret", "get", "tty.value", "--json");
        assertEquals(26, tmux.awaitExit(refused), refused::stderr);
        assertEquals("refused_tty", JsonParser.object().from(refused.stderr().strip()).getString("reason"));
        assertFalse(tmux.screen(refused).contains(SHOWN), () -> tmux.screen(refused));

        Tmux.Pane canary = tmux.start(unlocked, "secret", "get", Canary.NAME);
        assertEquals(26, tmux.awaitExit(canary), canary::stderr);
        assertTrue(canary.stderr().startsWith("kimen: error: "), canary::stderr);

        Tmux.Pane shown = tmux.start(unlocked, "secret", "get", "tty.value", "--unsafe-stdout");
        assertEquals(0, tmux.awaitExit(shown), shown::stderr);
        assertTrue(tmux.screen(shown).contains(SHOWN), () -> tmux.screen(shown));
    }

    /** Issue 24: kimen init --from .env offers to delete the dotenv file at a terminal, and deletes it only on yes. */
    @Test
    void initFromDotenvDeletesTheFileOnlyWhenTheUserSaysYes() throws Exception {
        Vaults.create(kimen.defaultVault(), PASS, Map.of());
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(project.resolve(".env"), "API_KEY=from-dotenv-4b1c\n");
        String dotenv = project.resolve(".env").toString();
        Tmux.Pane init = tmux.start(unlocked, "init", "--from", dotenv, "--dir", project.toString());
        tmux.awaitQuestion(init, "Delete " + dotenv + " now that its value is in the vault? [y/N]");
        tmux.type(init, "y");
        assertEquals(0, tmux.awaitExit(init), init::stderr);
        assertFalse(Files.exists(project.resolve(".env")), "deleted on yes");
        assertArrayEquals(utf8("from-dotenv-4b1c"), unlocked.run("secret", "get", "dev.api_key").ok().stdout());

        Files.writeString(project.resolve(".env"), "OTHER=kept-4b1c\n");
        Tmux.Pane no = tmux.start(unlocked, "init", "--from", dotenv, "--dir", project.toString(), "--profile", "ci");
        tmux.awaitQuestion(no, "Delete " + dotenv + " now");
        tmux.type(no, "");
        assertEquals(0, tmux.awaitExit(no), no::stderr);
        assertTrue(Files.exists(project.resolve(".env")), "kept unless the answer is yes");
    }

    /** The seed's mima secret get prints the value and warns on stderr; kimen's refuses (above). */
    @Test
    void mimaSecretGetPrintsToATerminalWithAWarning() {
        Vaults.create(kimen.defaultVault(), PASS, Map.of("tty.value", utf8(SHOWN)));
        Tmux.Pane shown = tmux.start(unlocked.withMimaStoreVault().mima(), "secret", "get", "tty.value");
        assertEquals(0, tmux.awaitExit(shown), shown::stderr);
        assertTrue(tmux.screen(shown).contains(SHOWN), () -> tmux.screen(shown));
        assertTrue(shown.stderr().startsWith("mima: warning: printed the secret tty.value"), shown::stderr);
    }

    @Test
    void setPromptsForTheValueWithoutEcho() {
        Vaults.create(kimen.defaultVault(), PASS, Map.of());
        String typed = "typed-value-never-echoed-9c41";

        Tmux.Pane set = tmux.start(unlocked, "secret", "set", "typed.value");
        tmux.awaitPrompt(set, "Value for typed.value:");
        tmux.type(set, typed);
        assertEquals(0, tmux.awaitExit(set), set::stderr);
        String screen = tmux.screen(set);
        assertFalse(screen.contains(typed), () -> "the typed value was echoed:\n" + screen);

        assertArrayEquals(utf8(typed), unlocked.run("secret", "get", "typed.value").ok().stdout());
    }

    @Test
    void mimaSecretAddPromptsWithoutEcho() {
        Vaults.create(kimen.defaultVault(), PASS, Map.of());
        String typed = "mima-typed-value-never-echoed-2e7d";
        Tmux.Pane add = tmux.start(unlocked.withMimaStoreVault().mima(), "secret", "add", "typed.key");
        tmux.awaitPrompt(add, "Value for typed.key:");
        tmux.type(add, typed);
        assertEquals(0, tmux.awaitExit(add), add::stderr);
        String screen = tmux.screen(add);
        assertFalse(screen.contains(typed), () -> "the typed value was echoed:\n" + screen);
        assertArrayEquals(utf8(typed), unlocked.run("secret", "get", "typed.key").ok().stdout());
    }

    /** Issue 24: a mistyped confirmation asks again (three rounds), instead of ending the command. */
    @Test
    void initAsksForTheNewPassphraseTwiceAndAgainAfterAMismatch() {
        Path vault = kimen.defaultVault();

        Tmux.Pane giveUp = tmux.start(kimen, "vault", "init");
        for (int round = 1; round <= 3; round++) {
            tmux.awaitPrompt(giveUp, "passphrase for ", round);
            tmux.type(giveUp, FIRST_PASS);
            tmux.awaitPrompt(giveUp, "Repeat to confirm:", round);
            tmux.type(giveUp, OTHER_PASS);
        }
        assertEquals(2, tmux.awaitExit(giveUp), giveUp::stderr);
        assertTrue(giveUp.stderr().contains("differed (or were empty) 3 times"), giveUp::stderr);
        assertTrue(tmux.screen(giveUp).contains("The two differ. New passphrase for"), () -> tmux.screen(giveUp));
        assertFalse(Files.exists(vault), "a mismatch creates no vault");

        Tmux.Pane match = tmux.start(kimen, "vault", "init");
        tmux.awaitPrompt(match, "New passphrase for ");
        tmux.type(match, FIRST_PASS);
        tmux.awaitPrompt(match, "Repeat to confirm:");
        tmux.type(match, OTHER_PASS);
        tmux.awaitPrompt(match, "The two differ. New passphrase for ");
        tmux.type(match, FIRST_PASS);
        tmux.awaitPrompt(match, "Repeat to confirm:", 2);
        tmux.type(match, FIRST_PASS);
        assertEquals(0, tmux.awaitExit(match), match::stderr);
        assertTrue(Files.exists(vault));

        for (Tmux.Pane pane : new Tmux.Pane[] {giveUp, match}) {
            String screen = tmux.screen(pane);
            assertFalse(screen.contains(FIRST_PASS) || screen.contains(OTHER_PASS),
                    () -> "a passphrase was echoed:\n" + screen);
        }
        kimen.with("KIMEN_PASSPHRASE", FIRST_PASS).run("secret", "list").ok();
        kimen.with("KIMEN_PASSPHRASE", OTHER_PASS).run("secret", "list", "--json").failsWith(23, "wrong_passphrase");
    }

    /**
     * Issue 24: a wrong passphrase typed at the terminal is asked for again (three tries), with a
     * hint about what was typed, not about KIMEN_PASSPHRASE; secret set unlocks before it asks for
     * the value, so a wrong passphrase throws nothing typed away; a mistyped command fails before
     * any prompt.
     */
    @Test
    void aWrongTypedPassphraseIsAskedAgainAndUnlockingComesFirst() {
        Vaults.create(kimen.defaultVault(), PASS, Map.of("tty.value", utf8(SHOWN)));
        Tmux.Pane retry = tmux.start(kimen, "secret", "list");
        tmux.awaitPrompt(retry, "Passphrase for ");
        tmux.type(retry, OTHER_PASS);
        tmux.awaitPrompt(retry, "Wrong passphrase. Passphrase for ");
        tmux.type(retry, PASS);
        assertEquals(0, tmux.awaitExit(retry), retry::stderr);

        Tmux.Pane wrong = tmux.start(kimen, "secret", "list");
        for (int round = 1; round <= 3; round++) {
            tmux.awaitPrompt(wrong, "Passphrase for ", round);
            tmux.type(wrong, OTHER_PASS);
        }
        assertEquals(23, tmux.awaitExit(wrong), wrong::stderr);
        assertTrue(wrong.stderr().contains("3 passphrases typed at the terminal did not open"), wrong::stderr);
        assertFalse(wrong.stderr().contains("KIMEN_PASSPHRASE"), wrong::stderr);

        Tmux.Pane set = tmux.start(kimen, "secret", "set", "typed.later");
        tmux.awaitPrompt(set, "Passphrase for ");
        assertFalse(tmux.screen(set).contains("Value for"), "the passphrase is asked first");
        tmux.type(set, PASS);
        tmux.awaitPrompt(set, "Value for typed.later:");
        tmux.type(set, "typed-after-unlock");
        assertEquals(0, tmux.awaitExit(set), set::stderr);

        Tmux.Pane missing = tmux.start(kimen, "run", "--env", "V=tty.value", "--", "no-such-command-4f2e");
        assertEquals(127, tmux.awaitExit(missing), missing::stderr);
        assertFalse(tmux.screen(missing).contains("Passphrase for"), "no passphrase asked for a command that is not there");
    }

    /**
     * One Ctrl-C reaches the command once (issue 22): the terminal sends SIGINT to its whole
     * foreground group, the command included, so kimen must not forward that one too (tools take
     * a second Ctrl-C as "quit now"). A SIGINT sent to kimen with kill(1) still reaches it.
     */
    @Test
    void oneCtrlCReachesTheCommandOnceAndAKillStillReachesIt() throws Exception {
        Vaults.create(kimen.defaultVault(), PASS, Map.of());
        Path count = tmp.resolve("sigints");
        Path ready = tmp.resolve("ready");
        Tmux.Pane run = tmux.start(unlocked, "run", "--", "perl", "-e", "$SIG{INT} = sub { open(my $f, '>>', $ARGV[0]);"
                + " print $f \"INT\\n\"; close $f }; open(my $r, '>', $ARGV[1]); close $r; sleep 1 while 1",
                count.toString(), ready.toString());
        Await.until(() -> Files.exists(ready), () -> "the command to start: " + tmux.screen(run));
        ProcessHandle perl = ProcessHandle.allProcesses().filter(p -> p.info().command().map(c -> c.endsWith("/perl"))
                .orElse(false) && p.info().arguments().map(a -> java.util.Arrays.asList(a).contains(count.toString()))
                .orElse(false)).findFirst().orElseThrow();
        long kimenPid = perl.parent().orElseThrow().pid();

        tmux.press(run, "C-c");
        Await.until(() -> lines(count) >= 1, () -> "the Ctrl-C to arrive");
        Thread.sleep(1500); // a second delivery, were there one, would arrive within this
        assertEquals(1, lines(count), "one Ctrl-C, one SIGINT");

        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(kimenPid)).start().waitFor());
        Await.until(() -> lines(count) >= 2, () -> "the SIGINT sent to kimen to be forwarded");
        assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(kimenPid)).start().waitFor());
        Await.until(() -> !perl.isAlive(), () -> "the command to end on SIGTERM");
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
