package dev.kimen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * picocli's model of a command, built by plain calls the build wrote ({@link CommandModelWriter})
 * rather than by reading the annotations at run time. Reading them spins a proxy class per
 * annotation type and reflects on every field: measured ~85 ms of a {@code run}'s ~290 ms on a
 * JVM that starts in ~140. The annotations stay the one source; {@code CommandModelsTest} checks
 * that both ways give the same model. A class the build could not write (or a build without the
 * generated class, such as an IDE's) is read by reflection as before; so is every class when the
 * generated one no longer links (it was written from older classes: an IDE that compiled them
 * without the build's {@code process-classes} step; CommandModelsTest fails on such a build).
 *
 * <p>A written model does not reset its fields to their first values before parsing (see
 * {@code CommandModelWriter.arg}): each is built for one parse, as {@link Cli} does.
 */
final class CommandModels {
    private CommandModels() {}

    /** What the build writes. */
    interface Source {
        /** The model of a top-level command class, or null when it has none. */
        CommandSpec spec(Class<?> command, CommandLine.IFactory factory) throws Exception;

        /** A new command or mixin of class {@code c} by its constructor, or null for a class it does not know. */
        Object instance(Class<?> c, Context ctx);
    }

    static final String GENERATED = "dev.kimen.cli.GeneratedCommandModels";

    private static final Source SOURCE = load();

    private static Source load() {
        try {
            return (Source) Class.forName(GENERATED).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError notBuilt) {
            return null;
        }
    }

    static CommandLine commandLine(Class<?> command, CommandLine.IFactory factory) {
        CommandSpec spec;
        try {
            spec = generated(command, factory);
        } catch (LinkageError stale) {
            spec = null;
        }
        return new CommandLine(spec == null ? command : spec, factory);
    }

    /** A command or mixin made without reflection, or null when the build did not write its constructor. */
    static Object instance(Class<?> c, Context ctx) {
        try {
            return SOURCE == null ? null : SOURCE.instance(c, ctx);
        } catch (LinkageError stale) {
            return null;
        }
    }

    /** The written model, or null when there is none for this class. */
    static CommandSpec generated(Class<?> command, CommandLine.IFactory factory) {
        if (SOURCE == null) {
            return null;
        }
        try {
            return SOURCE.spec(command, factory);
        } catch (Exception e) {
            throw new CommandLine.InitializationException("cannot build the model of " + command.getName() + ": " + e, e);
        }
    }
}
