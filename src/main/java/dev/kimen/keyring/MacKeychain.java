package dev.kimen.keyring;

import dev.kimen.KimenException;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.process.ChildEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
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
 * as account, the value stored base64-encoded: {@code find-generic-password -w} prints anything
 * but printable ASCII as hex, so bytes could not come back as they went in. A value is never on
 * {@code security}'s command line: it goes to the tool's interactive mode ({@code security -i})
 * on stdin, and that mode's stderr, which may repeat its input, is never shown.
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
        try (SecretBytes stored = SecretBytes.withoutFinalNewline(r.check("read " + name))) {
            byte[] encoded = stored.reveal();
            try {
                return Optional.of(SecretBytes.adopt(Base64.getDecoder().decode(encoded)));
            } catch (IllegalArgumentException e) {
                throw Keyrings.unavailable("the Keychain item " + name + " was not written by kimen");
            } finally {
                Arrays.fill(encoded, (byte) 0);
            }
        }
    }

    @Override
    public boolean contains(String name) {
        Result r = security(null, "find-generic-password", "-s", SERVICE, "-a", name);
        if (r.status == NOT_FOUND) {
            return false;
        }
        r.check("look up " + name);
        return true;
    }

    @Override
    public void set(String name, SecretBytes value) {
        byte[] bytes = value.reveal();
        byte[] encoded = Base64.getEncoder().encode(bytes);
        Arrays.fill(bytes, (byte) 0);
        var command = new java.io.ByteArrayOutputStream();
        command.writeBytes(("add-generic-password -U -s " + SERVICE + " -a " + quote(name) + " -l "
                + quote("kimen: " + name) + " -w ").getBytes(StandardCharsets.UTF_8));
        command.writeBytes(encoded); // base64: nothing security -i would split or unquote
        command.write('\n');
        Arrays.fill(encoded, (byte) 0);
        byte[] input = command.toByteArray();
        try {
            Result r = security(input, "-i");
            if (r.status != 0 || !r.err.isBlank()) {
                Arrays.fill(r.out, (byte) 0);
                throw Keyrings.unavailable("security could not store " + name + " (its message is not shown: it may"
                        + " repeat the value)");
            }
        } finally {
            Arrays.fill(input, (byte) 0);
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

    private static byte[] readAll(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
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
            // Read both streams on their own threads, so the deadline below holds even when the tool
            // waits on a Keychain dialog with its pipes open.
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw Keyrings.unavailable("security did not answer within 10 s (a Keychain dialog may be waiting)");
            }
            return new Result(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw Keyrings.unavailable("cannot run /usr/bin/security: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KimenException.of(dev.kimen.Reason.KEYRING_UNAVAILABLE, "interrupted");
        }
    }
}
