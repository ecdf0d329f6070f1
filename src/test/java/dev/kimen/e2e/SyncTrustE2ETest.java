package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 21: a team's remote is an untrusted store. Mallory can write to it (a shared directory; a
 * git repository with a careless collaborator list) but is no member. Each of her attacks is tried
 * over a directory and over a bare git repository driven by the real git, with the real
 * {@code age} for what she seals: she injects her recipient (into recipients.txt, and as a signed
 * membership change of her own), forges {@code vault.age} with {@code age -e -R}, replays an older
 * genuine state, tampers with a signature, cuts files short; a removed member pushes a fork. After
 * each, members get exit 32 {@code remote_untrusted}, their vaults stay byte for byte, and nothing
 * a member pushes is ever sealed to her: {@code age -d} with her key never yields a team value.
 *
 * <p>The team (alice, who set it up; bob and carol, who joined) is made once per kind of remote and
 * put back, files and all, before each test.
 */
class SyncTrustE2ETest {
    private static final String ALICE_PASS = "e2e trust alice passphrase";
    private static final String BOB_PASS = "e2e trust bob passphrase";
    private static final String CAROL_PASS = "e2e trust carol passphrase";
    /** Every value the team holds: none may ever reach mallory. */
    private static final List<String> TEAM_VALUES = List.of("value-a-1", "value-c-1", Canary.VALUE);

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(ALICE_PASS, BOB_PASS, CAROL_PASS);

    @TempDir
    static Path shared;

    enum Kind { FS, GIT }

    /** A team as set up once, and where its pristine copy is. */
    record Team(Path live, Path pristine, TeamRemote remote, Kimen alice, Kimen bob, Kimen carol, Path malloryKey,
                String fingerprint) {}

    private static final Map<Kind, Team> TEAMS = new EnumMap<>(Kind.class);

    @BeforeAll
    static void teams() throws IOException {
        for (Kind kind : Kind.values()) {
            Path live = Files.createDirectories(shared.resolve(kind.name().toLowerCase()).resolve("live"));
            TeamRemote remote = TeamRemote.of(kind == Kind.GIT, live);
            Kimen alice = member(live, "alice", ALICE_PASS, remote,
                    Map.of("team.a", utf8("value-a-1"), "team.c", utf8("value-c-1")));
            Kimen bob = member(live, "bob", BOB_PASS, remote, Map.of());
            Kimen carol = member(live, "carol", CAROL_PASS, remote, Map.of());
            String fingerprint = alice.run("sync", "init", "--label", "alice", "--member", SyncE2ETest.memberKey(bob), "--member",
                    SyncE2ETest.memberKey(carol), "--json").json().getString("fingerprint");
            bob.run("sync", "pull", "--expect", fingerprint).ok();
            carol.run("sync", "pull", "--expect", fingerprint).ok();
            Path malloryKey = live.resolve("mallory.key");
            tool(null, "age-keygen", "-o", malloryKey.toString());
            Path pristine = shared.resolve(kind.name().toLowerCase()).resolve("pristine");
            copyTree(live, pristine);
            TEAMS.put(kind, new Team(live, pristine, remote, alice, bob, carol, malloryKey, fingerprint));
        }
    }

    private static Kimen member(Path root, String name, String pass, TeamRemote remote, Map<String, byte[]> secrets) {
        Kimen k = Kimen.in(root.resolve(name), LOG).with("KIMEN_PASSPHRASE", pass);
        Vaults.create(k.defaultVault(), pass, secrets);
        Path key = k.home().resolve("team-key.txt");
        k.run("bundle", "keygen", "--out", key.toString()).ok();
        k.run("remote", "add", "team", remote.url(), "--identity", key.toString()).ok();
        return k;
    }

    /** The team as it was set up: every file of the remote and of the members' homes put back. */
    private static Team fresh(Kind kind) {
        Team t = TEAMS.get(kind);
        deleteTree(t.live());
        copyTree(t.pristine(), t.live());
        for (Kimen k : List.of(t.alice(), t.bob(), t.carol())) {
            LOG.watch(k.home());
        }
        return t;
    }

    /**
     * Attack 1a: mallory adds her recipient to recipients.txt. kimen never reads it: the next push
     * is sealed to the members the signed log names, and she learns nothing.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRecipientAddedToRecipientsTxtIsNeverSealedTo(Kind kind) throws IOException {
        Team t = fresh(kind);
        byte[] injected = concat(t.remote().read("recipients.txt"), utf8(malloryRecipient(t) + "\n"));
        t.remote().write("recipients.txt", injected);
        t.bob().run("sync", "preflight", "--strict", "--json").report(0, null);
        t.alice().run("secret", "set", "team.d", "--value", "value-d-1").ok();
        JsonObject pushed = t.alice().run("sync", "push", "--json").json();
        assertEquals(3, pushed.getInt("recipients"));
        assertFalse(new String(t.remote().read("recipients.txt"), StandardCharsets.UTF_8).contains(malloryRecipient(t)),
                "the push wrote the members' recipients back");
        assertOutsiderLearnsNothing(t, "value-d-1");
        t.bob().run("sync", "pull").ok();
        assertEquals("value-d-1", get(t.bob(), "team.d"));
        // A member can always get the data out with age alone.
        String plain = tool(t.remote().read("vault.age"), "age", "-d", "-i", key(t.carol()).toString());
        assertTrue(plain.contains(b64("value-d-1")), "age -d with a member's identity opens vault.age");
    }

    /**
     * Attack 1b: mallory appends a state of her own to sync.log that adds her as a member (signed
     * with her own key, written from the format's documentation), with a vault.age sealed to everyone
     * including her. A membership change signed by no member is refused everywhere.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMembershipChangeSignedByNoMemberIsRefused(Kind kind) throws IOException {
        Team t = fresh(kind);
        var forger = new Forger();
        String log = new String(t.remote().read("sync.log"), StandardCharsets.US_ASCII);
        List<String> members = new ArrayList<>(log.lines().filter(l -> l.startsWith("member ")).toList());
        members.add("member mallory " + malloryRecipient(t) + " " + forger.publicHex());
        byte[] forgedVault = tool(utf8("{\"format\":\"kimen-bundle/v1\",\"secrets\":{\"team.a\":\"" + b64("mallorys-a")
                + "\"}}\n"), "age", "-e", "-R", recipientsFile(t, malloryRecipient(t)).toString()).getBytes(
                StandardCharsets.ISO_8859_1);
        byte[] statement = forger.statement(log, forgedVault, members);
        t.remote().write("vault.age", forgedVault);
        t.remote().write("sync.log", concat(utf8(log), statement));

        for (Kimen member : List.of(t.bob(), t.alice())) {
            byte[] before = Vaults.bytes(member.defaultVault());
            JsonObject refused = member.run("sync", "pull", "--reconcile", "--json").failsWith(32, "remote_untrusted");
            assertTrue(refused.getString("error").contains("state 2 is signed by ed25519:"
                    + forger.publicHex().substring(0, 16)) && refused.getString("error").contains("not a member"),
                    refused.toString());
            assertArrayEquals(before, Vaults.bytes(member.defaultVault()), "a refused pull changes nothing");
        }
        t.bob().run("sync", "status", "--json").failsWith(32, "remote_untrusted");
        JsonObject preflight = t.bob().run("sync", "preflight", "--strict", "--json").report(32, "remote_untrusted");
        assertEquals("fail", check(preflight, "remote_verified").getString("status"));
        t.alice().run("secret", "set", "team.a", "--value", "value-a-2").ok();
        t.alice().run("sync", "push", "--json").failsWith(32, "remote_untrusted");
        t.alice().run("sync", "recipients", "list", "--json").failsWith(32, "remote_untrusted");
        assertOutsiderLearnsNothing(t, "value-a-2");
    }

    /** Attack 2: a vault.age forged with age -e -R recipients.txt is not the one the log signs. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aForgedVaultIsRefusedAndTheNextPushRepairsIt(Kind kind) throws IOException {
        Team t = fresh(kind);
        Path recipients = t.live().resolve("recipients.txt");
        Files.write(recipients, t.remote().read("recipients.txt"));
        byte[] forged = tool(utf8("{\"format\":\"kimen-bundle/v1\",\"secrets\":{\"db.url\":\""
                + b64("postgres://mallory.example/prod") + "\"}}\n"), "age", "-e", "-R", recipients.toString())
                .getBytes(StandardCharsets.ISO_8859_1);
        t.remote().write("vault.age", forged);

        byte[] before = Vaults.bytes(t.bob().defaultVault());
        JsonObject refused = t.bob().run("sync", "pull", "--reconcile", "--json").failsWith(32, "remote_untrusted");
        assertTrue(refused.getString("error").contains("vault.age is not the one state 1 signs"), refused.toString());
        assertArrayEquals(before, Vaults.bytes(t.bob().defaultVault()));
        t.bob().run("sync", "--json").report(32, "remote_untrusted");
        JsonObject preflight = t.bob().run("sync", "preflight", "--strict", "--json").report(32, "remote_untrusted");
        assertEquals("fail", check(preflight, "remote_verified").getString("status"));
        assertArrayEquals(before, Vaults.bytes(t.bob().defaultVault()));

        // A member's push publishes the team's vault again, signed, even with nothing new in it.
        assertEquals(true, t.alice().run("sync", "push", "--json").json().getBoolean("published"));
        t.bob().run("sync", "pull").ok();
        assertEquals("value-a-1", get(t.bob(), "team.a"));
        t.bob().run("secret", "get", "db.url", "--json").failsWith(22, "secret_not_found");
        assertOutsiderLearnsNothing(t);
    }

    /** Attack 3: an older genuine state put back, vault.age alone or with its log. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void anOlderGenuineStateIsRefused(Kind kind) throws IOException {
        Team t = fresh(kind);
        byte[] oldVault = t.remote().read("vault.age");
        String old = t.remote().save();
        t.alice().run("secret", "set", "team.a", "--value", "value-a-rotated").ok();
        t.alice().run("sync", "push").ok();
        t.bob().run("sync", "pull").ok();
        byte[] before = Vaults.bytes(t.bob().defaultVault());

        t.remote().write("vault.age", oldVault);
        t.bob().run("sync", "pull", "--json").failsWith(32, "remote_untrusted");
        t.remote().rollBack(old);
        JsonObject refused = t.bob().run("sync", "pull", "--json").failsWith(32, "remote_untrusted");
        assertTrue(refused.getString("error").contains("rolled back"), refused.toString());
        t.alice().run("sync", "status", "--json").failsWith(32, "remote_untrusted");
        assertArrayEquals(before, Vaults.bytes(t.bob().defaultVault()));
        assertEquals("value-a-rotated", get(t.bob(), "team.a"), "the revoked value did not come back");
        assertOutsiderLearnsNothing(t, "value-a-rotated");
    }

    /**
     * Attack 4: carol, removed by alice, still writes the remote. Her kimen refuses to push for
     * her. She puts the remote back to a state from before her removal, tells her kimen to trust
     * that team again, and pushes: that fork is refused by everyone who saw the removal.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRemovedMembersPushIsRefused(Kind kind) throws IOException {
        Team t = fresh(kind);
        String beforeRemoval = t.remote().save();
        t.alice().run("sync", "recipients", "rm", "carol").ok();
        JsonObject pushed = t.alice().run("sync", "push", "--json").json();
        assertEquals(List.of("carol"), pushed.getArray("removed_members").stream().toList());
        t.bob().run("sync", "pull").ok();
        t.carol().run("secret", "set", "carol.own", "--value", "carols").ok();
        for (String step : List.of("status", "pull", "push")) {
            t.carol().run("sync", step, "--json").failsWith(32, "not_a_recipient");
        }

        String removal = t.remote().save();
        t.remote().rollBack(beforeRemoval);
        t.carol().run("sync", "pull", "--json").failsWith(32, "remote_untrusted"); // her kimen saw the removal
        t.carol().run("sync", "reset-baseline", "--forget-team").ok();
        t.carol().run("sync", "pull", "--expect", t.fingerprint()).ok();
        t.carol().run("secret", "set", "team.a", "--value", "carols-a").ok();
        t.carol().run("sync", "push").ok();
        byte[] before = Vaults.bytes(t.bob().defaultVault());
        JsonObject refused = t.bob().run("sync", "pull", "--json").failsWith(32, "remote_untrusted");
        assertTrue(refused.getString("error").contains("history was rewritten"), refused.toString());
        assertArrayEquals(before, Vaults.bytes(t.bob().defaultVault()));
        t.alice().run("sync", "pull", "--json").failsWith(32, "remote_untrusted");

        t.remote().rollBack(removal);
        t.alice().run("secret", "set", "team.e", "--value", "value-e-1").ok();
        t.alice().run("sync").ok();
        t.bob().run("sync", "pull").ok();
        assertEquals("value-e-1", get(t.bob(), "team.e"));
        assertEquals("value-a-1", get(t.bob(), "team.a"), "carol's value never reached the team");
        assertFalse(run(t.remote().read("vault.age"), "age", "-d", "-i", key(t.carol()).toString()).out()
                .contains(b64("value-e-1")), "carol cannot read what came after her removal");
        assertOutsiderLearnsNothing(t, "value-e-1");
    }

    /** Attacks 5 and 6: a signature changed, and files cut short. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTamperedSignatureOrATruncatedFileIsRefused(Kind kind) throws IOException {
        Team t = fresh(kind);
        t.alice().run("secret", "set", "team.a", "--value", "value-a-2").ok();
        t.alice().run("sync", "push").ok();
        byte[] log = t.remote().read("sync.log");
        byte[] vault = t.remote().read("vault.age");
        byte[] before = Vaults.bytes(t.bob().defaultVault());

        String text = new String(log, StandardCharsets.US_ASCII);
        int sig = text.lastIndexOf("\nsig ") + 6;
        byte[] tampered = log.clone();
        tampered[sig] = (byte) (tampered[sig] == 'A' ? 'B' : 'A');
        t.remote().write("sync.log", tampered);
        JsonObject refused = t.bob().run("sync", "pull", "--json").failsWith(32, "remote_untrusted");
        assertTrue(refused.getString("error").contains("signature of state 2 does not verify"), refused.toString());

        t.remote().write("sync.log", java.util.Arrays.copyOf(log, log.length - 40));
        t.bob().run("sync", "pull", "--json").failsWith(32, "remote_untrusted");
        t.remote().write("sync.log", log);
        t.remote().write("vault.age", java.util.Arrays.copyOf(vault, vault.length / 2));
        t.bob().run("sync", "pull", "--json").failsWith(32, "remote_untrusted");
        t.remote().write("vault.age", null);
        t.bob().run("sync", "pull", "--json").failsWith(32, "remote_untrusted");
        t.remote().write("sync.log", null);
        JsonObject gone = t.bob().run("sync", "pull", "--json").failsWith(32, "remote_untrusted");
        assertTrue(gone.getString("error").contains("you last agreed on its state 2"), gone.toString());
        assertArrayEquals(before, Vaults.bytes(t.bob().defaultVault()));
        t.remote().write("sync.log", log);
        t.remote().write("vault.age", vault);
        assertOutsiderLearnsNothing(t, "value-a-2");
    }

    /**
     * Joining is trust on first use made explicit: the first pull names the members and their
     * fingerprint, and goes on only with --expect (or a yes at a terminal). A whole team mallory
     * made of her own, sealed to the same people, has another fingerprint.
     */
    @Test
    void aNewMemberConfirmsTheTeamByItsFingerprint() throws IOException {
        Team t = fresh(Kind.FS);
        Kimen dave = member(t.live(), "dave", CAROL_PASS, t.remote(), Map.of());
        t.alice().run("sync", "recipients", "add", SyncE2ETest.memberKey(dave)).ok();
        String fingerprint = t.alice().run("sync", "push", "--json").json().getString("fingerprint");
        assertNotEquals(t.fingerprint(), fingerprint, "the members changed");
        assertEquals(fingerprint, t.bob().run("sync", "recipients", "list", "--json").json().getString("fingerprint"));

        byte[] before = Vaults.bytes(dave.defaultVault());
        JsonObject unconfirmed = dave.run("sync", "pull", "--json").failsWith(32, "membership_unconfirmed");
        assertTrue(unconfirmed.getString("error").contains(fingerprint)
                && unconfirmed.getString("error").contains("alice"), unconfirmed.toString());
        assertTrue(unconfirmed.getString("hint").contains("--expect " + fingerprint), unconfirmed.toString());
        JsonObject listed = dave.run("sync", "recipients", "list", "--json").json();
        assertEquals(false, listed.getBoolean("confirmed"));
        dave.run("sync", "status", "--json").failsWith(32, "membership_unconfirmed");
        dave.run("sync", "pull", "--expect", t.fingerprint(), "--json").failsWith(32, "remote_untrusted");
        assertArrayEquals(before, Vaults.bytes(dave.defaultVault()));
        dave.run("sync", "pull", "--expect", fingerprint).ok();
        assertEquals("value-c-1", get(dave, "team.c"));
        assertEquals(true, dave.run("sync", "recipients", "list", "--json").json().getBoolean("confirmed"));

        // Mallory's own team, whose first state she signed, sealed to the same members and to her.
        // At a terminal, the first pull shows the members and their fingerprint and asks.
        Kimen frank = member(t.live(), "frank", CAROL_PASS, t.remote(), Map.of());
        t.alice().run("sync", "recipients", "add", SyncE2ETest.memberKey(frank)).ok();
        String withFrank = t.alice().run("sync", "push", "--json").json().getString("fingerprint");
        try (var tmux = new Tmux(t.live().resolve("tmux"), LOG)) {
            Tmux.Pane no = tmux.start(frank, "sync", "pull");
            tmux.awaitQuestion(no, "Trust this team?");
            assertTrue(tmux.screen(no).contains(withFrank) && tmux.screen(no).contains("alice"), tmux.screen(no));
            tmux.type(no, "no");
            assertEquals(32, tmux.awaitExit(no), no::stderr);
            Tmux.Pane yes = tmux.start(frank, "sync", "pull");
            tmux.awaitQuestion(yes, "Trust this team?");
            tmux.type(yes, "yes");
            assertEquals(0, tmux.awaitExit(yes), yes::stderr);
        }
        assertEquals("value-c-1", get(frank, "team.c"));

        TeamRemote fake = TeamRemote.of(false, Files.createDirectories(t.live().resolve("mallory-team")));
        Kimen mallory = member(t.live(), "mallory", "mallory's passphrase", fake, Map.of());
        mallory.run("sync", "init", "--member", SyncE2ETest.memberKey(t.alice()), "--member",
                SyncE2ETest.memberKey(t.bob())).ok();
        Kimen erin = member(t.live(), "erin", CAROL_PASS, t.remote(), Map.of());
        t.remote().write("sync.log", fake.read("sync.log"));
        t.remote().write("vault.age", fake.read("vault.age"));
        t.bob().run("sync", "pull", "--json").failsWith(32, "remote_untrusted"); // bob pinned the real team
        erin.run("sync", "pull", "--expect", fingerprint, "--json").failsWith(32, "not_a_recipient");
    }

    /**
     * A remote from before signed sync (vault.age and recipients.txt; members with a baseline and no
     * pin) is refused until the member who synced last signs it with one command; the others then
     * confirm the team as a joining member does.
     */
    @Test
    void anUnsignedRemoteIsSignedByOneMember() throws IOException {
        Team t = fresh(Kind.GIT);
        t.remote().write("sync.log", null);
        for (Kimen k : List.of(t.alice(), t.bob(), t.carol())) {
            try (Stream<Path> files = Files.walk(k.home())) {
                for (Path pin : files.filter(p -> p.getFileName().toString().equals("team.pin")).toList()) {
                    Files.delete(pin);
                }
            }
        }
        JsonObject unsigned = t.bob().run("sync", "pull", "--json").failsWith(32, "remote_untrusted");
        assertTrue(unsigned.getString("error").contains("not signed")
                && unsigned.getString("hint").contains("kimen sync upgrade"), unsigned.toString());

        var upgrade = t.alice().run("sync", "upgrade", "--member", SyncE2ETest.memberKey(t.bob()), "--json");
        JsonObject upgraded = upgrade.json();
        String carol = t.carol().run("bundle", "recipient", key(t.carol()).toString()).ok().out().strip();
        assertTrue(upgrade.stderr().contains(carol) && upgrade.stderr().contains("no member key"), upgrade.describe());
        String fingerprint = upgraded.getString("fingerprint");
        t.bob().run("sync", "pull", "--json").failsWith(32, "membership_unconfirmed");
        t.bob().run("sync", "pull", "--expect", fingerprint).ok();
        assertEquals("value-a-1", get(t.bob(), "team.a"));
        t.carol().run("sync", "pull", "--json").failsWith(32, "not_a_recipient");
        t.alice().run("sync", "upgrade", "--json").failsWith(2, "usage");
    }

    private static JsonObject check(JsonObject preflight, String name) {
        return preflight.getArray("checks").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("name").equals(name)).findFirst().orElseThrow();
    }

    /** {@code age -d} with mallory's key on the remote's vault.age fails, or yields none of the team's values. */
    private static void assertOutsiderLearnsNothing(Team t, String... more) {
        byte[] vault = t.remote().read("vault.age");
        var r = run(vault, "age", "-d", "-i", t.malloryKey().toString());
        var values = new ArrayList<>(TEAM_VALUES);
        values.addAll(List.of(more));
        for (String value : values) {
            assertFalse(r.out().contains(b64(value)) || r.out().contains(value), "mallory read " + value);
        }
    }

    private static String malloryRecipient(Team t) {
        return tool(null, "age-keygen", "-y", t.malloryKey().toString()).strip();
    }

    /** A recipients file of the team's members (as its log lists them) plus {@code extra}. */
    private static Path recipientsFile(Team t, String extra) throws IOException {
        var lines = new ArrayList<String>();
        for (String l : new String(t.remote().read("sync.log"), StandardCharsets.US_ASCII).lines()
                .filter(l -> l.startsWith("member ")).toList()) {
            lines.add(l.split(" ")[2]);
        }
        lines.add(extra);
        return Files.write(t.live().resolve("forged-recipients.txt"), lines);
    }

    private static Path key(Kimen k) {
        return k.home().resolve("team-key.txt");
    }

    private static String get(Kimen k, String name) {
        return k.run("secret", "get", name).ok().out();
    }

    /**
     * Writes statements as docs/sync-format.md describes them, signed with an Ed25519 key of its
     * own (BouncyCastle's signer, not kimen's code): what someone without a member's key can make.
     */
    private static final class Forger {
        private final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());

        String publicHex() {
            return HexFormat.of().formatHex(key.generatePublicKey().getEncoded());
        }

        /** The statement that follows the last one in {@code log}, for {@code vault}, listing {@code members}. */
        byte[] statement(String log, byte[] vault, List<String> members) {
            String last = log.substring(log.lastIndexOf("kimen-sync/v1\n"));
            long seq = Long.parseLong(last.lines().filter(l -> l.startsWith("seq ")).findFirst().orElseThrow()
                    .substring(4));
            List<String> sorted = members.stream().sorted(Comparator.comparing(m -> m.split(" ")[2])).toList();
            String memberLines = String.join("\n", sorted) + "\n";
            String body = "kimen-sync/v1\nseq " + (seq + 1) + "\nprevious " + sha256(utf8(last)) + "\nvault "
                    + sha256(vault) + "\nmembers " + sha256(utf8(memberLines)) + "\n" + memberLines + "signer "
                    + publicHex() + "\ntime " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n";
            var signer = new Ed25519Signer();
            signer.init(true, key);
            byte[] signed = utf8(body);
            signer.update(signed, 0, signed.length);
            return utf8(body + "sig " + Base64.getEncoder().encodeToString(signer.generateSignature()) + "\n");
        }
    }

    private record Ran(int exit, String out) {}

    private static Ran run(byte[] stdin, String... command) {
        try {
            var process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            byte[] out = process.getInputStream().readAllBytes();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " hung");
            return new Ran(process.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a real tool (age, age-keygen); fails unless it exits 0; returns its stdout. */
    private static String tool(byte[] stdin, String... command) {
        Ran r = run(stdin, command);
        assertEquals(0, r.exit(), () -> String.join(" ", command) + " failed");
        return r.out();
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(utf8(s));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
