package dev.kimen.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version Maven wrote into {@code version.properties} at build time. */
public final class Version implements IVersionProvider {
    /**
     * Read when first asked for, not when picocli creates this provider for every command line:
     * a resource lookup in the jar costs a start about a millisecond.
     */
    private static final class Holder {
        static final String VALUE = load();
    }

    public static String value() {
        return Holder.VALUE;
    }

    @Override
    public String[] getVersion() {
        return new String[] {Cli.program() + " " + value()}; // mima names itself too
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/dev/kimen/version.properties")) {
            var props = new Properties();
            props.load(in);
            return props.getProperty("version");
        } catch (IOException | NullPointerException e) {
            return "unknown";
        }
    }
}
