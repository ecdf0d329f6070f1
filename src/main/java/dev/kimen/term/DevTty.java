package dev.kimen.term;

import dev.kimen.crypto.SecretBytes;
import dev.kimen.process.Libc;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The real terminal. {@code isatty(3)} through the FFM API ({@link Libc}) answers per descriptor (the JDK's
 * {@code System.console()} only answers for stdin and stdout together). Prompts go to
 * {@code /dev/tty}, as ssh and gpg do, so they work while stdin or stdout is a pipe; echo is
 * switched off with the standard {@code stty} tool rather than hand-built termios structs,
 * whose layout differs between platforms.
 */
public final class DevTty implements Terminal {
    private static final File TTY = new File("/dev/tty");

    /**
     * A descriptor that is a pipe, a socket or a file outside {@code /dev} (what scripts and CI
     * give) is known from {@code /proc/self/fd} without {@code isatty}, which without kimen's JNI
     * helper goes through the FFM API (its first call costs about 50 ms). Anything else, or a
     * system without {@code /proc}, asks {@code isatty}.
     */
    @Override
    public boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            if (!target.startsWith("/dev/")) {
                return false;
            }
        } catch (IOException | RuntimeException e) {
            // no /proc, or a file system without symbolic links: ask isatty
        }
        return Libc.isatty(fd);
    }

    @Override
    public Optional<SecretBytes> readSecret(String prompt) {
        return ask(prompt, false);
    }

    @Override
    public Optional<String> readLine(String prompt) {
        return ask(prompt, true).map(line -> {
            try (line) {
                byte[] bytes = line.reveal();
                String text = new String(bytes, StandardCharsets.UTF_8);
                Arrays.fill(bytes, (byte) 0);
                return text;
            }
        });
    }

    /** Shows {@code prompt} on the terminal and reads a line, echoed or not; empty without a terminal. */
    private static Optional<SecretBytes> ask(String prompt, boolean echo) {
        RandomAccessFile tty;
        try {
            tty = new RandomAccessFile(TTY, "rw");
        } catch (IOException e) {
            return Optional.empty(); // no controlling terminal
        }
        Thread restore = new Thread(() -> stty("echo"));
        try (tty) {
            if (echo) {
                tty.write(prompt.getBytes(StandardCharsets.UTF_8));
                return Optional.of(readLine(tty));
            }
            Runtime.getRuntime().addShutdownHook(restore); // Ctrl-C at the prompt must not leave echo off
            stty("-echo"); // before the prompt shows, so nothing typed once it shows is echoed (as getpass does)
            try {
                tty.write(prompt.getBytes(StandardCharsets.UTF_8));
                return Optional.of(readLine(tty));
            } finally {
                stty("echo");
                tty.write('\n');
                Runtime.getRuntime().removeShutdownHook(restore);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SecretBytes readLine(RandomAccessFile tty) throws IOException {
        var line = new ByteArrayOutputStream();
        int b;
        while ((b = tty.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        byte[] bytes = line.toByteArray();
        SecretBytes secret = SecretBytes.copyOf(bytes, 0, bytes.length);
        Arrays.fill(bytes, (byte) 0);
        return secret;
    }

    private static void stty(String mode) {
        try {
            new ProcessBuilder("stty", mode).redirectInput(TTY).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot switch terminal echo with stty", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
