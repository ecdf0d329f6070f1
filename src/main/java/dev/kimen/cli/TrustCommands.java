package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.json.Json;
import dev.kimen.mima.ProjectConfig;
import dev.kimen.Reason;
import dev.kimen.shell.HookLoader;
import dev.kimen.shell.LoadScript;
import dev.kimen.shell.ProjectProfiles;
import dev.kimen.shell.ProjectFile;
import dev.kimen.shell.Trust;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kimen allow} and {@code kimen deny}: what the shell hook may load. */
final class TrustCommands {
    private TrustCommands() {}

    @Command(name = "allow", description = {"Let the shell hook load a project's .mima.yaml as it is now.",
            "kimen records a hash of the file's path and content, and of the files it names (dotenv files;"
                    + " flake.nix and flake.lock with use_flake), in your data dir (never in the project). Editing any of them blocks the project until you allow it"
                    + " again. Read the file before you allow it: its groups run with your secrets."},
            footerHeading = "%nExamples:%n",
            footer = {"  ${ROOT-COMMAND-NAME} allow                   # the nearest .mima.yaml at or above this directory",
                    "  ${ROOT-COMMAND-NAME} allow ~/src/app", "  ${ROOT-COMMAND-NAME} allow --check && echo allowed   # exit 0 when allowed, 1 when not"})
    static final class Allow extends BaseCommand {
        @Parameters(arity = "0..1", paramLabel = "<path>", description = "A .mima.yaml or its directory (default: the"
                + " nearest at or above the working directory).")
        String path;

        @Option(names = "--check", description = "Change nothing: exit 0 when the file is allowed as it is now, 1 when"
                + " not (one line on stderr says why).")
        boolean check;

        Allow(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Trust trust = Trust.of(ctx.dirs());
            Path file = ProjectFile.find(path, ctx.logicalCwd(), ctx.dirs()).orElse(null);
            Optional<Path> kimenDir = kimenDir(file);
            if (file == null || !java.nio.file.Files.exists(file)) {
                // a project with profiles (.kimen/) and no .mima.yaml
                Path dir = kimenDir.orElseThrow(() -> KimenException.of(Reason.CONFIG_NOT_FOUND, "no "
                                + ProjectConfig.FILE_NAME + " and no " + ProjectProfiles.DIR + "/ in "
                                + (path == null ? ctx.logicalCwd() + " or above it" : path),
                        "a project's " + ProjectConfig.FILE_NAME + " declares its groups and env, its .kimen/profiles its"
                                + " maps; see the README"));
                return check ? checkProfiles(dir, trust) : allowProfiles(dir, trust);
            }
            if (check) {
                return check(file, trust);
            }
            ProjectFile project = ProjectFile.read(file);
            trust.allow(project);
            String profiles = kimenDir.map(dir -> {
                ProjectProfiles p = ProjectProfiles.read(dir);
                trust.allow(p);
                return "; profiles " + names(p) + " (" + ProjectProfiles.DIR + "/: their exec: and keyring: lines may run)";
            }).orElse("");
            project.skipped().forEach(ctx::warn); // a named file kimen will not read
            ProjectConfig c = project.config();
            var parts = new ArrayList<String>();
            var functions = c.groups().keySet().stream().filter(g -> c.autoExport() || !HookLoader.RESERVED.contains(g))
                    .toList();
            if (!functions.isEmpty()) {
                parts.add("groups " + String.join(", ", functions) + (c.autoExport()
                        ? " (auto_export: their secrets are exported into the shell)" : " (as shell functions)"));
            }
            var skipped = c.groups().keySet().stream().filter(g -> !functions.contains(g)).toList();
            if (!skipped.isEmpty()) {
                parts.add("groups " + String.join(", ", skipped) + " skipped as shell functions, as they are builtins or"
                        + " keywords of the shell (run them with: " + Cli.program() + " run <group> -- <command>)");
            }
            if (!c.env().isEmpty()) {
                parts.add("env " + String.join(", ", c.env().keySet()));
            }
            List<String> refused = refusedInDotenv(project);
            if (!refused.isEmpty()) {
                parts.add("never set from its dotenv files, as they steer the shell, load code or configure kimen: "
                        + String.join(", ", refused));
            }
            if (!c.dotenv().isEmpty()) {
                parts.add("dotenv " + String.join(", ", c.dotenv()));
            }
            if (!c.pathAdd().isEmpty()) {
                parts.add("path_add " + String.join(", ", c.pathAdd()));
            }
            if (c.useFlake()) {
                parts.add("use_flake");
            }
            return ok("allow", Json.object("file", file.toString(), "groups", List.copyOf(c.groups().keySet()),
                    "env", List.copyOf(c.env().keySet()), "refused", refused, "dotenv", c.dotenv(), "path_add", c.pathAdd(),
                    "use_flake", c.useFlake(), "auto_export", c.autoExport(),
                    "kimen_dir", kimenDir.map(Path::toString).orElse(null)),
                    "allowed " + file + (parts.isEmpty() ? " (it declares nothing yet)" : ": " + String.join("; ", parts))
                            + profiles);
        }

        /** The {@code .kimen/} beside {@code file} (or, with no file, the nearest one the path names). */
        private Optional<Path> kimenDir(Path file) {
            if (file != null) {
                Path dir = file.toAbsolutePath().getParent().resolve(ProjectProfiles.DIR);
                return java.nio.file.Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
            }
            return ProjectProfiles.nearest(path == null ? ctx.logicalCwd() : ctx.resolve(path));
        }

        private int allowProfiles(Path dir, Trust trust) {
            ProjectProfiles p = ProjectProfiles.read(dir);
            trust.allow(p);
            return ok("allow", Json.object("kimen_dir", dir.toString(), "profiles", p.profiles().stream()
                            .map(f -> f.getFileName().toString()).toList()),
                    "allowed " + dir + ": profiles " + names(p) + " (their exec: and keyring: lines may run)");
        }

        private int checkProfiles(Path dir, Trust trust) {
            Trust.State s = trust.state(ProjectProfiles.read(dir));
            int code = s == Trust.State.ALLOWED ? 0 : 1;
            if (json()) {
                ctx.out().println(Json.write(Json.object("ok", code == 0, "action", "allow_check", "exit_code", code,
                        "kimen_dir", dir.toString(), "state", s.name().toLowerCase(java.util.Locale.ROOT))));
            } else if (code != 0) {
                ctx.err().println(Cli.program() + ": " + dir + (s == Trust.State.CHANGED ? " changed since it was allowed"
                        : " is not allowed"));
            }
            return code;
        }

        private static String names(ProjectProfiles p) {
            return p.profiles().isEmpty() ? "(none yet)" : String.join(", ", p.profiles().stream()
                    .map(f -> f.getFileName().toString().replaceFirst("\\.kmap$", "")).toList());
        }

        /** The names in the project's dotenv files that the hook will not set (RefusedVariables). */
        private static List<String> refusedInDotenv(ProjectFile project) {
            var refused = new java.util.TreeSet<String>();
            project.dotenv().forEach((file, bytes) -> {
                try {
                    dev.kimen.shell.Dotenv.parse(dev.kimen.text.Utf8.decode(bytes), file.toString()).keySet().stream()
                            .filter(n -> !LoadScript.settable(n)).forEach(refused::add);
                } catch (java.nio.charset.CharacterCodingException | KimenException e) {
                    // the hook says why it does not load such a file
                }
            });
            return List.copyOf(refused);
        }

        /** {@code --check}: 0 when allowed, 1 when not; under --json a report either way (ok, state). */
        private int check(Path file, Trust trust) {
            String state;
            String why;
            try {
                Trust.State s = trust.state(ProjectFile.read(file));
                state = s.name().toLowerCase(java.util.Locale.ROOT);
                why = switch (s) {
                    case ALLOWED -> null;
                    case NOT_ALLOWED -> "is not allowed";
                    case CHANGED -> "changed since it was allowed";
                };
            } catch (KimenException e) {
                state = "invalid";
                why = "cannot be allowed: " + e.getMessage();
            }
            int code = why == null ? 0 : 1;
            if (json()) {
                ctx.out().println(Json.write(Json.object("ok", code == 0, "action", "allow_check", "exit_code", code,
                        "file", file.toString(), "state", state)));
            } else if (why != null) {
                ctx.err().println(Cli.program() + ": " + file + " " + why);
            }
            return code;
        }
    }

    @Command(name = "deny", description = "Stop the shell hook loading a project's .mima.yaml (until you allow it again).",
            footerHeading = "%nExamples:%n", footer = {"  ${ROOT-COMMAND-NAME} deny", "  ${ROOT-COMMAND-NAME} deny ~/src/app/.mima.yaml"})
    static final class Deny extends BaseCommand {
        @Parameters(arity = "0..1", paramLabel = "<path>", description = "A .mima.yaml or its directory (default: the"
                + " nearest at or above the working directory).")
        String path;

        Deny(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Path file = ProjectFile.locate(path, ctx.logicalCwd(), ctx.dirs());
            Path real;
            try {
                real = ProjectFile.trustPath(file);
            } catch (IOException e) {
                real = file; // gone already: its entry is still found by the path it had
            }
            boolean was = Trust.of(ctx.dirs()).deny(real);
            Path kimenDir = file.toAbsolutePath().getParent().resolve(ProjectProfiles.DIR);
            if (java.nio.file.Files.isDirectory(kimenDir)) {
                try {
                    was |= Trust.of(ctx.dirs()).deny(kimenDir.toRealPath());
                } catch (IOException e) {
                    throw KimenException.wrap(Reason.INVALID_CONFIG, "cannot read " + kimenDir + ": " + e.getMessage(), e);
                }
            }
            return ok("deny", Json.object("file", file.toString(), "was_allowed", was),
                    was ? "denied " + file + ": the hook no longer loads it" : file + " was not allowed");
        }
    }
}
