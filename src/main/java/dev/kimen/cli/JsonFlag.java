package dev.kimen.cli;

import picocli.CommandLine.Option;

/**
 * {@code --json}, accepted at every level ({@code kimen --json secret list} and
 * {@code kimen secret list --json} alike): the factory hands every command the same instance.
 */
public final class JsonFlag {
    @Option(names = "--json", description = "Print the result as JSON on stdout; errors as a JSON envelope on stderr.")
    boolean json;
}
