package dev.kimen.doctor;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.doctor.DoctorReport.Check;
import dev.kimen.doctor.DoctorReport.Finding;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.projection.Plan;
import dev.kimen.projection.Problem;
import dev.kimen.projection.Projection;
import dev.kimen.projection.profile.MapContents;
import dev.kimen.projection.source.ValueSource;
import dev.kimen.text.Counts;
import dev.kimen.vault.SecretMeta;
import dev.kimen.vault.Vault;
import dev.kimen.vault.store.VaultStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Whether a profile is ready to run, checked without running anything: the map lints, the vault
 * opens, every secret the map names is in it and none is past (or near) its expiry date, the
 * vault file is 0600, and the OS keyring answers when the map reads it (mima's store is named too). A check that cannot be
 * judged (no vault to look in) is skipped. Nothing is run: {@code exec:} sources are not tried.
 */
public final class Doctor {
    public static final String MAP_LINT = "map_lint";
    public static final String VAULT_OPENS = "vault_opens";
    public static final String SECRETS_EXIST = "secrets_exist";
    public static final String VAULT_MODE = "vault_mode";
    public static final String EXPIRY = "expiry";
    public static final String MIMA_STORE = "mima_store";

    /**
     * mima's store as the doctor sees it.
     *
     * @param vault        whether the user chose the vault ({@code mima config store vault})
     * @param openKeyring  opens and closes the OS keyring, throwing {@code keyring_unavailable} with why
     */
    public record MimaStore(boolean vault, Runnable openKeyring) {}

    private Doctor() {}

    /**
     * @param map         reads the map; a failure to find or read it is a {@code map_lint} problem
     * @param strict      map warnings are problems too
     * @param store       the vault, opened once (asking the passphrase as usual)
     * @param vaultOption {@code --vault <path>} to repeat in hints when the vault was named on the
     *                    command line, else null
     * @param today       the day expiry dates are judged against
     */
    public static DoctorReport examine(Supplier<MapContents> map, boolean strict, VaultStore store, String vaultOption,
                                       LocalDate today, MimaStore mima) {
        var checks = new ArrayList<Check>();
        Plan plan = null;
        try {
            MapContents contents = map.get();
            plan = Plan.of(contents.projections(), List.of(), contents.problems());
            checks.add(lint(plan, strict));
        } catch (KimenException e) {
            if (e.reason() == Reason.USAGE) {
                throw e; // a bad command line is not a finding about the setup
            }
            checks.add(Check.judged(MAP_LINT, List.of(new Finding(e.getMessage(),
                    e.hint() != null ? e.hint() : "check the --profile name or the --map path")), List.of(), null));
        }
        try (Vault vault = store.open()) {
            checks.add(Check.judged(VAULT_OPENS, List.of(), List.of(), store.path().toString()));
            checks.add(plan == null ? Check.skipped(SECRETS_EXIST, "not run: the map could not be read")
                    : secretsExist(plan, vault, vaultOption));
            checks.add(plan == null ? Check.skipped(EXPIRY, "not run: the map could not be read")
                    : expiry(plan, vault, strict, today));
        } catch (KimenException e) {
            checks.add(Check.judged(VAULT_OPENS, List.of(new Finding(e.getMessage(), unlockHint(e))), List.of(),
                    store.path().toString()));
            checks.add(Check.skipped(SECRETS_EXIST, "not run: the vault did not open"));
            checks.add(Check.skipped(EXPIRY, "not run: the vault did not open"));
        }
        checks.add(mode(store.path()));
        checks.add(mimaStore(plan, mima));
        return new DoctorReport(List.copyOf(checks));
    }

    /**
     * Where mima keeps secrets (a line of detail), and, when the map reads the OS keyring (a
     * {@code keyring:} item, or a group's bare name with mima's store the keyring), whether it answers.
     */
    static Check mimaStore(Plan plan, MimaStore mima) {
        String detail = "mima's store: " + (mima.vault() ? "kimen's vault (mima config store vault)" : "the OS keyring");
        boolean mapReadsKeyring = plan != null && plan.projections().stream().anyMatch(p -> p.source()
                instanceof ValueSource.Keyring || (!mima.vault() && p.source() instanceof ValueSource.Stored));
        if (!mapReadsKeyring) {
            return Check.judged(MIMA_STORE, List.of(), List.of(), detail);
        }
        try {
            mima.openKeyring().run();
            return Check.judged(MIMA_STORE, List.of(), List.of(), detail + "; the map reads it, and it answers");
        } catch (KimenException e) {
            if (e.reason() != Reason.KEYRING_UNAVAILABLE) {
                throw e;
            }
            return Check.judged(MIMA_STORE, List.of(new Finding(e.getMessage(), e.hint())), List.of(), detail);
        }
    }

    static Check lint(Plan plan, boolean strict) {
        var problems = new ArrayList<Finding>();
        var warnings = new ArrayList<Finding>();
        for (Problem p : plan.problems()) {
            if (p.error()) {
                problems.add(new Finding(p.render(), p.reason() == Reason.UNSAFE_PATH
                        ? "file paths are relative and stay inside the files directory" : "fix " + p.origin()));
            } else {
                (strict ? problems : warnings).add(new Finding(p.render(),
                        "fix " + p.origin() + (strict ? ", or check without --strict" : "; --strict makes this a problem")));
            }
        }
        return Check.judged(MAP_LINT, problems, warnings, Counts.of(plan.projections().size(), "projection"));
    }

    /** Each secret the map names, once, with every line naming it. Only names are compared. */
    static Check secretsExist(Plan plan, Vault vault, String vaultOption) {
        Map<String, List<String>> usedAt = new LinkedHashMap<>();
        for (Projection p : plan.projections()) {
            if (p.source() instanceof ValueSource.Secret s) {
                usedAt.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(p.origin());
            }
        }
        var problems = new ArrayList<Finding>();
        usedAt.forEach((name, origins) -> {
            if (!vault.contains(name)) {
                problems.add(new Finding("no secret named " + name + " in the vault (used at " + String.join(", ", origins) + ")",
                        "kimen secret set " + name + (vaultOption == null ? "" : " " + vaultOption)));
            }
        });
        return Check.judged(SECRETS_EXIST, problems, List.of(), Counts.of(usedAt.size(), "secret") + " named, "
                + (usedAt.size() - problems.size()) + " found");
    }

    /**
     * The secrets the map names that expired, or expire within {@link SecretMeta#WARN_DAYS} days:
     * warnings, problems under {@code --strict}.
     */
    static Check expiry(Plan plan, Vault vault, boolean strict, LocalDate today) {
        var findings = new ArrayList<Finding>();
        var named = new java.util.TreeSet<String>();
        for (Projection p : plan.projections()) {
            if (p.source() instanceof ValueSource.Secret s && vault.contains(s.name())) {
                named.add(s.name());
            }
        }
        int dated = 0;
        for (String name : named) {
            SecretMeta about = vault.meta(name);
            dated += about.expires().isPresent() ? 1 : 0;
            about.warning(name, today).ifPresent(w -> findings.add(new Finding(w,
                    "rotate it, then: kimen secret set " + name + " --expires <YYYY-MM-DD>"
                            + (strict ? ", or check without --strict" : ""))));
        }
        return Check.judged(EXPIRY, strict ? findings : List.of(), strict ? List.of() : findings,
                Counts.of(dated, "secret") + " with an expiry date, " + (dated - findings.size()) + " not due");
    }

    static Check mode(Path vault) {
        if (!Files.exists(vault)) {
            return Check.skipped(VAULT_MODE, "not run: no vault file");
        }
        if (!vault.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Check.skipped(VAULT_MODE, "not run: the file system has no POSIX modes");
        }
        String mode;
        try {
            mode = PrivateFiles.octal(Files.getPosixFilePermissions(vault));
        } catch (IOException e) {
            return Check.skipped(VAULT_MODE, "not run: cannot read the file's mode");
        }
        String expected = PrivateFiles.octal(PrivateFiles.FILE_MODE);
        List<Finding> problems = mode.equals(expected) ? List.of()
                : List.of(new Finding("vault file " + vault + " has mode " + mode + "; it should be " + expected
                        + " (read and write for you only)", "chmod 600 " + Shell.quote(vault.toString())));
        return Check.judged(VAULT_MODE, problems, List.of(), mode);
    }

    private static String unlockHint(KimenException e) {
        if (e.hint() != null) {
            return e.hint();
        }
        return switch (e.reason()) {
            case INVALID_VAULT_FILE -> "the file is damaged or not a kimen vault; restore it from a backup";
            default -> "check the passphrase source (KIMEN_PASSPHRASE, --passphrase-cmd, --passphrase-stdin,"
                    + " kimen config unlock show)";
        };
    }

    /** Quoting for paths shown in hints, so a copied command works with spaces in it. */
    static final class Shell {
        private Shell() {}

        static String quote(String s) {
            return s.matches("[A-Za-z0-9_./@%+=:,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
        }
    }
}
