package dev.kimen.cli;

import dev.kimen.crypto.Aead;
import dev.kimen.crypto.ClearableBuffer;
import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.process.Confinement;
import dev.kimen.session.Held;
import dev.kimen.session.RunPlanner;
import dev.kimen.term.Terminal;
import dev.kimen.vault.Vault;
import dev.kimen.vault.VaultKey;
import dev.kimen.vault.format.VaultCodec;
import dev.kimen.vault.format.VaultFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A kimen or mima command run in the session daemon for the native client (kimen-fastrun), which
 * then does what is left with no JVM started: the command costs a socket round trip instead of a
 * JVM start. It is the usual command line and command code, with a {@link HandOff} in the
 * context, {@link Confinement confined} to what the daemon may do. A {@code run} that ends in a
 * plain exec comes back as a {@link Launch}; {@code env}, {@code secret get} and the shell hook's
 * load ({@code hook <shell> --load}), which only print, as what they printed. Anything else (an
 * error, help, stdin, a prompt, a program to start, a keyring item the session does not hold,
 * files or masking for a run) comes back empty, and the client starts the JVM, which does it
 * again the usual way; so errors and their exit codes are always the JVM's own.
 */
public final class FastRun implements RunPlanner {
    @Override
    public Optional<Answer> plan(Request request, Held keys) {
        List<String> args = request.args();
        if (args.isEmpty() || !request.cwd().isAbsolute()) {
            return Optional.empty();
        }
        boolean run = args.getFirst().equals("run");
        if (!run && !printsOnly(args)) {
            return Optional.empty();
        }
        Class<?> root = switch (request.program()) {
            case "kimen" -> KimenCommand.class;
            case "mima" -> MimaCommand.class;
            default -> null;
        };
        if (root == null) {
            return Optional.empty();
        }
        var out = new ClearableBuffer(1024); // values pass through it
        var err = new ByteArrayOutputStream();
        var handOff = new HandOff(keys);
        var ctx = new Context(REFUSED_STDIN, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), request.env(), new ClientTerminal(request.terminals()),
                request.cwd()).handOff(handOff).parentPid(request.parentPid());
        var confinement = new Confinement();
        try {
            int code = confinement.run(() -> Cli.run(ctx, root, args.toArray(String[]::new)));
            HandOff.Exec exec = handOff.exec();
            // an access log that cannot be written: the JVM's command warns about it, where the user sees it
            if (code != 0 || confinement.refused() != null || run != (exec != null) || run && out.size() > 0
                    || !ctx.writeAccess(handOff.accessed())) {
                return Optional.empty();
            }
            String notes = err.toString(StandardCharsets.UTF_8);
            return Optional.of(run ? new Launch(exec.program(), exec.argv(), exec.env(), notes)
                    : new Printed(out.toByteArray(), notes));
        } catch (Exception e) {
            return Optional.empty();
        } finally {
            out.clear();
        }
    }

    /** The commands that only print: {@code env}, {@code secret get}, and the hook's load. */
    private static boolean printsOnly(List<String> args) {
        return switch (args.getFirst()) {
            case "env" -> true;
            case "secret" -> args.size() > 1 && args.get(1).equals("get");
            case "hook" -> args.stream().anyMatch(a -> a.equals("--load") || a.startsWith("--load="));
            default -> false;
        };
    }

    /** The client's stdin, which the daemon does not have: a command that reads it is the JVM's. */
    private static final InputStream REFUSED_STDIN = new InputStream() {
        @Override
        public int read() {
            Confinement.check("stdin");
            return -1;
        }
    };

    /** The client's terminals, as it reported them; a prompt on one is the JVM's. */
    private record ClientTerminal(int terminals) implements Terminal {
        @Override
        public boolean isTerminal(int fd) {
            return fd >= 0 && fd <= 2 && (terminals & 1 << fd) != 0;
        }

        @Override
        public Optional<SecretBytes> readSecret(String prompt) {
            Confinement.check("a prompt");
            return Optional.empty();
        }

        @Override
        public Optional<String> readLine(String prompt) {
            Confinement.check("a prompt");
            return Optional.empty();
        }
    }

    /**
     * Measured: the first plan in a fresh daemon took 140-200 ms, loading the command line's, the
     * run's and the vault's classes; the first {@code env} 100 ms, the first {@code secret get}
     * and hook load some 30 ms each; after this, a few ms each. The throwaway commands read a
     * throwaway vault (a fresh random key, one secret), a groups file and an untrusted project in
     * a private directory, removed afterwards.
     */
    @Override
    public void warmUp(Path scratch) {
        warmUpCommands(scratch);
    }

    /** The warm-up; how many of its commands the daemon could answer (all four, unless something broke). */
    int warmUpCommands(Path scratch) {
        int answered = 0;
        Path home = scratch.resolve("warm-up");
        try (var key = VaultKey.of(SecretBytes.adopt(Aead.randomBytes(Aead.KEY_BYTES)), KdfParams.DEFAULT,
                Aead.randomBytes(VaultFile.SALT_BYTES)); var vault = new Vault()) {
            Files.createDirectories(home, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(PrivateFiles.DIR_MODE));
            Path file = home.resolve("warm-up.kv");
            vault.put("warm.up", SecretBytes.ofUtf8("x"));
            PrivateFiles.write(file, VaultCodec.seal(vault, key).toBytes());
            PrivateFiles.write(home.resolve(".mima.yaml"), "groups:\n  warm:\n    KIMEN_WARM_UP: secret:warm.up\n"
                    .getBytes(StandardCharsets.UTF_8));
            Path project = Files.createDirectories(home.resolve("project"));
            PrivateFiles.write(project.resolve(".mima.yaml"), "env:\n  KIMEN_WARM_UP: x\n".getBytes(StandardCharsets.UTF_8));
            Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "HOME", home.toString());
            for (List<String> args : List.of(List.of("run", "--vault", file.toString(), "--env", "KIMEN_WARM_UP=warm.up", "--", "true"),
                    List.of("env", "--vault", file.toString(), "warm", "--shell", "sh"),
                    List.of("secret", "get", "--vault", file.toString(), "warm.up"),
                    List.of("hook", "bash", "--load", project.resolve(".mima.yaml").toString(), "--previous", ""))) {
                answered += plan(new Request("kimen", home, args, env, 0, 0), (path, params, salt) -> Optional.of(key.copy()))
                        .isPresent() ? 1 : 0;
            }
        } catch (IOException e) {
            // only a head start
        } finally {
            PrivateFiles.deleteTree(home);
        }
        return answered;
    }
}
