package dev.kimen.keyring;

import dev.kimen.KimenException;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.process.ChildEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The macOS Keychain through Apple's {@code security} tool (no Java API reaches it without
 * native code). Items are generic passwords with service {@code dev.kimen} and the secret's name
 * as account. A value is never on {@code security}'s command line: it is written as hex to the
 * tool's interactive mode ({@code security -i}) on stdin.
 *
 * <p>Not exercised by CI, which runs on Linux; the Secret Service implementation is.
 */
final class MacKeychain implements Keyring {
    private static final String SERVICE = "dev.kimen";
    private static final int NOT_FOUND = 44; // errSecItemNotFound, as security's exit status
    private static final Pattern ACCOUNT = Pattern.compile("\"acct\"<blob>=\"(.*)\"");
    private static final Pattern SVCE = Pattern.compile("\"svce\"<blob>=\"(.*)\"");

    private final Map<String, String> env;

    MacKeychain(Map<String, String> env) {
        this.env = ChildEnv.of(env);
    }

    @Override
    public Optional<SecretBytes> get(String name) {
        Result r = security(null, "find-generic-password", "-s", SERVICE, "-a", name, "-w");
        if (r.status == NOT_FOUND) {
            return Optional.empty();
        }
        return Optional.of(SecretBytes.withoutFinalNewline(r.check("read " + name)));
    }

    @Override
    public void set(String name, SecretBytes value) {
        byte[] bytes = value.reveal();
        byte[] command = ("add-generic-password -U -s " + SERVICE + " -a " + quote(name) + " -l "
                + quote("kimen: " + name) + " -X " + HexFormat.of().formatHex(bytes) + "\n").getBytes(StandardCharsets.UTF_8);
        Arrays.fill(bytes, (byte) 0);
        try {
            security(command, "-i").check("store " + name);
        } finally {
            Arrays.fill(command, (byte) 0);
        }
    }

    @Override
    public boolean remove(String name) {
        Result r = security(null, "delete-generic-password", "-s", SERVICE, "-a", name);
        if (r.status == NOT_FOUND) {
            return false;
        }
        r.check("remove " + name);
        return true;
    }

    @Override
    public List<String> names() {
        String dump = new String(security(null, "dump-keychain").check("list"), StandardCharsets.UTF_8);
        var names = new TreeSet<String>();
        String account = null;
        for (String line : dump.split("\n")) {
            if (line.startsWith("keychain:")) {
                account = null;
            }
            Matcher a = ACCOUNT.matcher(line.strip());
            if (a.matches()) {
                account = a.group(1);
            }
            Matcher s = SVCE.matcher(line.strip());
            if (s.matches() && s.group(1).equals(SERVICE) && account != null) {
                names.add(account);
            }
        }
        return List.copyOf(names);
    }

    @Override
    public String describe() {
        return "the macOS Keychain";
    }

    @Override
    public void close() {}

    /** {@code security -i} splits its input lines like a shell: double quotes, with \ and " escaped. */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private record Result(int status, byte[] out, String err) {
        byte[] check(String what) {
            if (status != 0) {
                Arrays.fill(out, (byte) 0);
                throw Keyrings.unavailable("security could not " + what + " (status " + status + "): " + err.strip());
            }
            return out;
        }
    }

    private Result security(byte[] stdin, String... args) {
        var argv = new ArrayList<String>(List.of("/usr/bin/security"));
        argv.addAll(List.of(args));
        try {
            var builder = new ProcessBuilder(argv);
            builder.environment().clear();
            builder.environment().putAll(env);
            Process p = builder.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw Keyrings.unavailable("security did not answer within 10 s");
            }
            return new Result(p.exitValue(), out, err);
        } catch (IOException e) {
            throw Keyrings.unavailable("cannot run /usr/bin/security: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KimenException.of(dev.kimen.Reason.KEYRING_UNAVAILABLE, "interrupted");
        }
    }
}
