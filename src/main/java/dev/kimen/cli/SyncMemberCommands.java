package dev.kimen.cli;

import dev.kimen.bundle.AgeIdentity;
import dev.kimen.json.Json;
import dev.kimen.sync.Member;
import dev.kimen.sync.SigningKey;
import dev.kimen.sync.Sync;
import dev.kimen.sync.TeamState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The team's members: {@code sync recipients list|add|rm}, {@code sync whoami}, {@code sync upgrade}. */
final class SyncMemberCommands {
    private SyncMemberCommands() {}

    @Command(name = "recipients", description = "The team: who the remote's vault is sealed to and who may sign its "
            + "states. Changes take effect on your next push, which re-seals the vault and signs the new members.",
            subcommands = {RecipientsList.class, RecipientsAdd.class, RecipientsRm.class},
            footerHeading = "%nExamples:%n", footer = {"  kimen sync recipients list --remote team",
                    "  kimen sync recipients add bob@laptop=age1…+ed25519:… --remote team",
                    "  kimen sync recipients rm bob@laptop --remote team"})
    static final class Recipients extends GroupCommand {
        Recipients(Context ctx) {
            super(ctx);
        }
    }

    /** Shared output of the recipients commands. */
    abstract static class MembersCommand extends SyncCommand {
        MembersCommand(Context ctx) {
            super(ctx);
        }

        int print(String action, Sync.Members m) {
            TeamState team = m.team();
            var human = new StringBuilder();
            if (team == null) {
                human.append(remote).append(": no team yet (kimen sync init sets one up)\n");
            } else {
                human.append(remote).append(": ").append(dev.kimen.text.Counts.of(team.membership().members().size(), "member"))
                        .append(", state ").append(team.head().seq()).append(", fingerprint ")
                        .append(team.membership().fingerprint()).append(team.pinned() ? "" : " (not confirmed by you yet)")
                        .append('\n');
                for (Member member : team.membership().members()) {
                    boolean leaving = m.removing().contains(member);
                    human.append(leaving ? "- " : "  ").append(line(member))
                            .append(leaving ? "   (removed on your next push)" : "").append('\n');
                }
            }
            m.adding().forEach(a -> human.append("+ ").append(line(a)).append("   (added on your next push)\n"));
            var fields = Json.object("remote", remote, "recipients", team == null ? List.of()
                            : team.membership().recipients(), "members", team == null ? List.of()
                            : members(team.membership().members()), "confirmed", team != null && team.pinned(),
                    "adding", members(m.adding()), "removing", members(m.removing()), "rotate", m.rotate());
            fields.putAll(team(team));
            return ok(action, fields, human.toString().stripTrailing());
        }

        private static String line(Member m) {
            return m.label() + "  " + m.recipient() + "  " + m.shortSigningKey();
        }

        private static List<Map<String, Object>> members(List<Member> members) {
            return members.stream().map(m -> Json.object("label", m.label(), "recipient", m.recipient(),
                    "signing_key", m.signingKey())).toList();
        }
    }

    @Command(name = "list", description = "The team's members as its verified log has them, its members' fingerprint, "
            + "and the changes waiting for your next push.",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync recipients list --remote team --json"})
    static final class RecipientsList extends MembersCommand {
        RecipientsList(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            return print("sync_recipients_list", withSync(Sync::members));
        }
    }

    @Command(name = "add", description = "Add a member on your next push, by the member key they printed with "
            + "kimen sync whoami.",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync recipients add bob@laptop=age1…+ed25519:… --remote team",
                    "  kimen sync push --remote team"})
    static final class RecipientsAdd extends MembersCommand {
        @Parameters(paramLabel = "<member key>", description = "[<label>=]age1…+ed25519:<key>, from kimen sync whoami.")
        String memberKey;

        @Option(names = "--label", paramLabel = "<label>", description = "Their label in the team (default: the key's).")
        String label;

        RecipientsAdd(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            return print("sync_recipients_add", withSync(sync -> sync.addMember(memberKey, label)));
        }
    }

    @Command(name = "rm", description = "Remove a member on your next push. They may keep copies of what they could "
            + "already read: rotate those credentials (the command names them).",
            footerHeading = "%nExamples:%n", footer = {"  kimen sync recipients rm bob@laptop --remote team",
                    "  kimen sync push --remote team"})
    static final class RecipientsRm extends MembersCommand {
        @Parameters(paramLabel = "<member>", description = "Their label, age1… recipient or member key.")
        String member;

        RecipientsRm(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Sync.Members m = withSync(sync -> sync.removeMember(member));
            warnRemoved(m.removing(), m.rotate());
            return print("sync_recipients_rm", m);
        }
    }

    @Command(name = "whoami", description = {"Print your member key: the line a member adds you with.",
            "It is your label, age recipient and signing key, for kimen sync recipients add. It holds "
            + "nothing secret; the signing key is derived from your age identity."},
            footerHeading = "%nExamples:%n", footer = {"  kimen sync whoami --identity ~/.config/kimen/team-key.txt",
                    "  kimen sync whoami --label bob@laptop --json"})
    static final class Whoami extends SyncCommand {
        @Option(names = "--label", paramLabel = "<label>", description = "The label to suggest. Default: user@host.")
        String label;

        Whoami(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Path file = identityFile != null ? ctx.resolve(identityFile) : identity(chooseRemote());
            List<AgeIdentity> ids = AgeIdentity.readFile(file);
            try (SigningKey key = SigningKey.of(ids.getFirst())) {
                Member me = key.member(label == null ? Member.defaultLabel() : label);
                return ok("sync_whoami", Json.object("label", me.label(), "recipient", me.recipient(), "signing_key",
                        me.signingKey(), "member_key", me.key()), me.key());
            } finally {
                ids.forEach(AgeIdentity::close);
            }
        }
    }

    /** {@code sync init} and {@code sync upgrade}: a team's first signed state, for you and the --member members. */
    abstract static class FirstStateCommand extends SyncCommand {
        @Option(names = {"--member", "--recipient"}, paramLabel = "<member key>", description = "Another member: the key "
                + "kimen sync whoami printed for them, [<label>=]age1…+ed25519:… (repeatable).")
        List<String> members = new ArrayList<>();

        @Option(names = "--label", paramLabel = "<label>", description = "Your label in the team. Default: user@host.")
        String label;

        FirstStateCommand(Context ctx) {
            super(ctx);
        }

        String label() {
            return label == null ? Member.defaultLabel() : label;
        }

        /** Prints what {@code done} set up: the members' fingerprint, which the others check as they join. */
        int printed(String action, Sync.Report r, String what) {
            warnNotes(r);
            String fingerprint = r.team().membership().fingerprint();
            return ok(action, json(r), what + " " + remote + " for " + dev.kimen.text.Counts.of(r.recipients(), "member")
                    + "; members' fingerprint: " + fingerprint + "\nthe others join with: kimen sync pull --expect "
                    + fingerprint);
        }
    }

    @Command(name = "upgrade", description = {"Sign a remote set up by a kimen from before signed sync.",
            "Its contents as you last synced them become the team's first signed state, sealed to you and "
            + "the --member members (a recipient of the old remote without a member key can no longer open "
            + "it). Run it once, as the member who synced last; the others then confirm the team (pull "
            + "--expect)."},
            footerHeading = "%nExamples:%n", footer = {"  kimen sync upgrade --remote team --member bob@laptop=age1…+ed25519:…"})
    static final class Upgrade extends FirstStateCommand {
        Upgrade(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            return printed("sync_upgrade", withSync(sync -> sync.upgrade(members, label())), "signed");
        }
    }
}
