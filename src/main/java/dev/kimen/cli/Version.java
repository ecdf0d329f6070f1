package dev.kimen.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version Maven wrote into {@code version.properties} at build time. */
public final class Version implements IVersionProvider {
    public static final String VALUE = load();

    @Override
    public String[] getVersion() {
        return new String[] {Cli.program() + " " + VALUE}; // mima names itself too
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
