package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.doctor.Doctor;
import dev.kimen.doctor.DoctorReport;
import dev.kimen.doctor.DoctorReport.Check;
import dev.kimen.doctor.DoctorReport.Finding;
import dev.kimen.json.Json;
import dev.kimen.text.OneLine;
import dev.kimen.vault.VaultLocation;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kimen doctor}: is this profile ready to run? Every finding at once, never a value. */
@Command(name = "doctor", description = {"Check that a profile is ready to run, without running anything.",
        "It checks that the map lints, the vault opens,"
        + " every secret the map names is in the vault, none of them expired or expiring within 14 days"
        + " (secret meta; a warning, a problem with --strict), the vault file's mode is 0600, and, when the map reads"
        + " the OS keyring, that the keyring answers (mima_store, which also says where mima keeps its secrets).",
        "Prints each problem with a hint and exits 21 (doctor_failed) when there is any; --json prints the"
                + " report on stdout either way. Nothing is run and no value is printed."},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen doctor --profile prod", "  kimen doctor --map deploy.kmap --strict --json"})
public final class DoctorCommand extends BaseCommand {
    @Mixin VaultOptions vault;
    @Mixin MapOptions map;

    @Option(names = "--strict", description = "Treat warnings (a second stdin line in the map, a secret near or past"
            + " its expiry date) as problems.")
    boolean strict;

    public DoctorCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        if (!map.given()) {
            throw KimenException.of(Reason.USAGE, "doctor needs a map: give --profile <name> or --map <path>",
                    "see: kimen doctor --help");
        }
        VaultLocation where = vault.location(ctx);
        DoctorReport report;
        try (var store = vault.store(ctx)) {
            report = Doctor.examine(() -> map.read(ctx), strict, store,
                    where.source().equals("flag") ? "--vault " + where.path() : null, ctx.today(),
                    new Doctor.MimaStore(ctx.config().mimaStore() == dev.kimen.config.Config.MimaStore.VAULT,
                            () -> dev.kimen.keyring.Keyrings.open(ctx.env()).close()));
        }
        int code = report.ok() ? 0 : Reason.DOCTOR_FAILED.exitCode();
        if (json()) {
            var out = Json.object("ok", report.ok(), "action", "doctor", "exit_code", code, "strict", strict,
                    "vault", where.path().toString(), "checks", report.checks().stream().map(DoctorCommand::json).toList());
            if (!report.ok()) {
                out.put("reason", Reason.DOCTOR_FAILED.code());
            }
            ctx.out().println(Json.write(out));
        } else {
            report.checks().forEach(this::print);
            var failed = report.checks().stream().filter(c -> c.outcome() == DoctorReport.Outcome.FAILED).map(Check::name).toList();
            ctx.out().println(report.ok() ? "doctor: all " + report.checks().size() + " checks passed"
                    : "doctor: " + report.problemCount() + " problem" + (report.problemCount() == 1 ? "" : "s")
                            + " (" + String.join(", ", failed) + ")");
        }
        return code;
    }

    /** One line per finding: {@code problem  secrets_exist  no secret named x …; hint: kimen secret set x}. */
    private void print(Check c) {
        switch (c.outcome()) {
            case PASSED -> line("ok", c.name(), c.detail());
            case SKIPPED -> line("skipped", c.name(), c.detail());
            case FAILED -> c.problems().forEach(f -> line("problem", c.name(), f.message() + "; hint: " + f.hint()));
        }
        c.warnings().forEach(f -> line("warning", c.name(), f.message() + "; hint: " + f.hint()));
    }

    private void line(String status, String check, String text) {
        ctx.out().println(String.format("%-8s %-14s %s", status, check, OneLine.of(text)).stripTrailing());
    }

    private static Map<String, Object> json(Check c) {
        var row = Json.object("check", c.name(), "ok", c.passed(), "skipped", c.outcome() == DoctorReport.Outcome.SKIPPED,
                "problems", findings(c.problems()), "warnings", findings(c.warnings()));
        if (c.detail() != null) {
            row.put("detail", c.detail());
        }
        return row;
    }

    private static List<Map<String, Object>> findings(List<Finding> findings) {
        return findings.stream().map(f -> Json.object("message", f.message(), "hint", f.hint())).toList();
    }
}
