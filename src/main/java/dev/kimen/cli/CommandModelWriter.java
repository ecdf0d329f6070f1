package dev.kimen.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Range;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Writes {@code GeneratedCommandModels.java} (see {@link CommandModels}): every kimen and mima
 * command's picocli model as builder calls. The build runs it after compiling the rest and
 * compiles what it wrote into the same classes (pom.xml, {@code command-models}).
 *
 * <p>It reads the model picocli builds by reflection and writes that back out, attribute by
 * attribute, so picocli's own defaults (arity, labels, types, help texts) carry over instead of
 * being worked out a second time here; the annotations say only which field each option sets and
 * where mixins and {@code @Spec} go. A command class with an {@code @ArgGroup} (whose options set
 * fields of an object picocli creates while parsing) is left to reflection.
 *
 * <p>No library does this: picocli-codegen's processor writes GraalVM configuration, not models.
 */
final class CommandModelWriter {
    private final CommandLine.IFactory factory;
    private final Map<Class<?>, String> methods = new LinkedHashMap<>();
    private final StringBuilder code = new StringBuilder();
    private final Map<Field, Integer> bindings = new LinkedHashMap<>();
    private final List<String> leftToReflection = new ArrayList<>();
    private final Set<Class<?>> created = new LinkedHashSet<>();

    private CommandModelWriter(CommandLine.IFactory factory) {
        this.factory = factory;
    }

    /** @param args the source directory to write {@code dev/kimen/cli/GeneratedCommandModels.java} under */
    public static void main(String[] args) throws IOException {
        String source = write();
        Path file = Path.of(args[0]).resolve(CommandModels.GENERATED.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        if (!Files.exists(file) || !Files.readString(file).equals(source)) {
            Files.writeString(file, source);
        }
    }

    /** The roots and every command {@link Cli} registers under them. */
    static List<Class<?>> topLevel() {
        var all = new LinkedHashSet<Class<?>>(List.of(KimenCommand.class, MimaCommand.class));
        all.addAll(Cli.KIMEN.values());
        all.addAll(Cli.MIMA.values());
        return List.copyOf(all);
    }

    static String write() {
        var nothing = new PrintStream(OutputStream.nullOutputStream());
        var ctx = new Context(InputStream.nullInputStream(), nothing, nothing, Map.of(), null, Path.of("/"));
        var writer = new CommandModelWriter(new Cli.Factory(ctx, false));
        var cases = new StringBuilder();
        for (Class<?> top : topLevel()) {
            String method = writer.method(top);
            if (method != null) {
                cases.append("            case \"").append(top.getName()).append("\" -> ").append(method)
                        .append('(').append(writer.create(top)).append(", f);\n");
            }
        }
        return writer.file(cases.toString(), writer.constructors());
    }

    /** An expression making a {@code c} through the factory (which {@link #constructors} then knows). */
    private String create(Class<?> c) {
        created.add(c);
        return "f.create(" + type(c) + ".class)";
    }

    /** {@code case} lines making each command and mixin class by its constructor: (Context) or none. */
    private String constructors() {
        var cases = new StringBuilder();
        for (Class<?> c : created) {
            String args = null;
            for (var constructor : c.getDeclaredConstructors()) {
                if (Modifier.isPrivate(constructor.getModifiers()) || Modifier.isAbstract(c.getModifiers())) {
                    continue;
                }
                var parameters = List.of(constructor.getParameterTypes());
                if (parameters.equals(List.of(Context.class))) {
                    args = "ctx";
                } else if (parameters.isEmpty() && args == null) {
                    args = "";
                }
            }
            if (args != null) {
                cases.append("            case \"").append(c.getName()).append("\" -> new ").append(type(c))
                        .append('(').append(args).append(");\n");
            }
        }
        return cases.toString();
    }

    private String file(String cases, String constructors) {
        var out = new StringBuilder();
        out.append("// Written by dev.kimen.cli.CommandModelWriter at build time from the picocli annotations. Do not edit.\n");
        out.append("package dev.kimen.cli;\n\n");
        out.append("import picocli.CommandLine;\n");
        out.append("import picocli.CommandLine.Model.CommandSpec;\n");
        out.append("import picocli.CommandLine.Model.OptionSpec;\n");
        out.append("import picocli.CommandLine.Model.PositionalParamSpec;\n\n");
        for (String left : leftToReflection) {
            out.append("// read by reflection: ").append(left).append('\n');
        }
        out.append("@SuppressWarnings({\"unchecked\", \"rawtypes\"})\n");
        out.append("final class GeneratedCommandModels implements CommandModels.Source {\n");
        out.append("    @Override\n");
        out.append("    public CommandSpec spec(Class<?> command, CommandLine.IFactory f) throws Exception {\n");
        out.append("        return switch (command.getName()) {\n").append(cases);
        out.append("            default -> null;\n        };\n    }\n\n");
        out.append("    @Override\n");
        out.append("    public Object instance(Class<?> c, Context ctx) {\n");
        out.append("        return switch (c.getName()) {\n").append(constructors);
        out.append("            default -> null;\n        };\n    }\n");
        out.append(code);
        out.append(bindingClass());
        out.append("}\n");
        return out.toString();
    }

    /** The name of the method that builds {@code c}'s model, or null when reflection has to. */
    private String method(Class<?> c) {
        if (methods.containsKey(c)) {
            return methods.get(c);
        }
        String unsupported = unsupported(c);
        if (unsupported != null) {
            leftToReflection.add(c.getName() + ": " + unsupported);
            methods.put(c, null);
            return null;
        }
        String name = type(c).substring(c.getPackageName().length() + 1).replace('.', '_');
        methods.put(c, name);
        CommandSpec model = reflected(c);
        var body = new StringBuilder();
        line(body, "CommandSpec s = CommandSpec.wrapWithoutInspection(o, f);");
        CommandSpec plain = CommandSpec.wrapWithoutInspection(null);
        // qualifiedName(String) takes a separator; version() asks the version provider, set below
        for (String call : changed(model, plain, CommandSpec.class, Set.of("usageMessage",
                "parser", "versionProvider", "version", "qualifiedName", "defaultValueProvider",
                "negatableOptionTransformer", "modelTransformer", "preprocessor", "interpolateVariables"))) {
            line(body, "s." + call + ";");
        }
        if (model.defaultValueProvider() != null || model.preprocessor().getClass() != plain.preprocessor().getClass()
                || model.negatableOptionTransformer().getClass() != plain.negatableOptionTransformer().getClass()) {
            throw new IllegalStateException(c.getName() + ": default value providers, preprocessors and negatable-option"
                    + " transformers are not written yet");
        }
        if (model.versionProvider() != null) {
            line(body, "s.versionProvider(" + create(model.versionProvider().getClass()) + ");");
        } else if (model.version().length > 0) {
            line(body, "s.version(" + literal(model.version()) + ");");
        }
        for (String call : changed(model.usageMessage(), plain.usageMessage(),
                CommandLine.Model.UsageMessageSpec.class, Set.of("messages", "sectionMap", "sectionKeys", "width", "longOptionsMaxWidth"))) {
            line(body, "s.usageMessage()." + call + ";");
        }
        subcommands(model, body);
        members(c, model, body);
        code.append("\n    static CommandSpec ").append(name).append('(').append(type(c))
                .append(" o, CommandLine.IFactory f) throws Exception {\n").append(body).append("        return s;\n    }\n");
        return name;
    }

    /** Why reflection must build {@code c}'s model; null when this writer can. */
    private static String unsupported(Class<?> c) {
        for (Class<?> k = c; k != Object.class; k = k.getSuperclass()) {
            for (Field field : k.getDeclaredFields()) {
                if (field.isAnnotationPresent(ArgGroup.class)) {
                    return "@ArgGroup " + field.getName();
                }
                for (var kind : List.of(ParentCommand.class, Unmatched.class)) {
                    if (field.isAnnotationPresent(kind)) {
                        throw new IllegalStateException(k.getName() + "." + field.getName() + ": @" + kind.getSimpleName()
                                + " is not written by " + CommandModelWriter.class.getSimpleName() + " yet");
                    }
                }
                if (isMember(field) && (Modifier.isPrivate(field.getModifiers()) || Modifier.isPrivate(k.getModifiers()))) {
                    throw new IllegalStateException(k.getName() + "." + field.getName()
                            + " is private: the written model sets it directly, so make it package-private");
                }
            }
            for (Method m : k.getDeclaredMethods()) {
                if (isMember(m) || m.isAnnotationPresent(Command.class)) {
                    throw new IllegalStateException(k.getName() + "." + m.getName() + ": annotated methods are not written by "
                            + CommandModelWriter.class.getSimpleName() + " yet");
                }
            }
            Command command = k.getAnnotation(Command.class);
            if (command != null && command.mixinStandardHelpOptions()) {
                throw new IllegalStateException(k.getName() + ": mixinStandardHelpOptions is not written yet");
            }
        }
        return null;
    }

    private static boolean isMember(AnnotatedElement e) {
        return e.isAnnotationPresent(Option.class) || e.isAnnotationPresent(Parameters.class)
                || e.isAnnotationPresent(Mixin.class) || e.isAnnotationPresent(Spec.class);
    }

    /** picocli's own model of {@code c}, with variables left as written ({@code ${DEFAULT-VALUE}}). */
    private CommandSpec reflected(Class<?> c) {
        CommandSpec model;
        try {
            model = CommandSpec.forAnnotatedObject(factory.create(c), factory);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + c.getName() + ": " + e, e);
        }
        model.interpolateVariables(false);
        return model;
    }

    private void subcommands(CommandSpec model, StringBuilder body) {
        var seen = new IdentityHashMap<CommandLine, Boolean>();
        for (CommandLine sub : model.subcommands().values()) {
            if (seen.put(sub, true) != null) {
                continue; // an alias
            }
            CommandSpec subSpec = sub.getCommandSpec();
            Class<?> subClass = subSpec.userObject().getClass();
            String method = method(subClass);
            String built = method == null ? type(subClass) + ".class"
                    : method + "(" + create(subClass) + ", f)";
            line(body, "s.addSubcommand(" + literal(subSpec.name()) + ", new CommandLine(" + built + ", f));");
        }
    }

    /** Mixins, options, parameters and {@code @Spec} fields in picocli's order: superclass first, then declaration. */
    private void members(Class<?> c, CommandSpec model, StringBuilder body) {
        Deque<Class<?>> hierarchy = new ArrayDeque<>();
        for (Class<?> k = c; k != Object.class; k = k.getSuperclass()) {
            hierarchy.push(k);
        }
        for (Class<?> k : hierarchy) {
            for (Field field : k.getDeclaredFields()) {
                String target = "o." + field.getName();
                if (field.isAnnotationPresent(Mixin.class)) {
                    String name = field.getAnnotation(Mixin.class).name();
                    name = name.isEmpty() ? field.getName() : name;
                    String method = method(field.getType());
                    if (method == null) {
                        throw new IllegalStateException(k.getName() + "." + field.getName() + ": a mixin reflection must build");
                    }
                    line(body, "if (" + target + " == null) { " + target + " = " + create(field.getType()) + "; }");
                    line(body, "s.addMixin(" + literal(name) + ", " + method + "(" + target + ", f).withToString("
                            + literal(model.mixins().get(name).toString()) + "));");
                    for (Field mixee : specFields(field.getType(), Spec.Target.MIXEE)) {
                        line(body, target + "." + mixee.getName() + " = s;");
                    }
                } else if (field.isAnnotationPresent(Option.class) || field.isAnnotationPresent(Parameters.class)) {
                    line(body, "s.add(" + arg(argOf(model, field), field) + ");");
                } else if (field.isAnnotationPresent(Spec.class) && field.getAnnotation(Spec.class).value() == Spec.Target.SELF) {
                    line(body, target + " = s;");
                }
            }
        }
    }

    private static List<Field> specFields(Class<?> c, Spec.Target target) {
        var found = new ArrayList<Field>();
        for (Class<?> k = c; k != Object.class; k = k.getSuperclass()) {
            for (Field field : k.getDeclaredFields()) {
                if (field.isAnnotationPresent(Spec.class) && field.getAnnotation(Spec.class).value() == target) {
                    found.add(field);
                }
            }
        }
        return found;
    }

    private static ArgSpec argOf(CommandSpec model, Field field) {
        return model.args().stream().filter(a -> field.equals(a.userObject())).findFirst()
                .orElseThrow(() -> new IllegalStateException("picocli made no option of " + field));
    }

    /** One option or positional parameter: the builder calls that give what picocli built by reflection. */
    private String arg(ArgSpec arg, Field field) {
        var b = new StringBuilder();
        ArgSpec plain;
        if (arg instanceof OptionSpec option) {
            b.append("OptionSpec.builder(").append(literal(option.names())).append(')');
            plain = OptionSpec.builder(option.names()).type(arg.type()).auxiliaryTypes(arg.auxiliaryTypes()).arity(arg.arity()).build();
        } else {
            b.append("PositionalParamSpec.builder()");
            plain = PositionalParamSpec.builder().type(arg.type()).auxiliaryTypes(arg.auxiliaryTypes()).arity(arg.arity()).build();
        }
        b.append(".type(").append(literal(arg.type())).append(").auxiliaryTypes(").append(literal(arg.auxiliaryTypes()))
                .append(").arity(").append(literal(arg.arity())).append(')');
        for (String call : changed(arg, plain, arg.isOption() ? OptionSpec.Builder.class : PositionalParamSpec.Builder.class,
                Set.of("type", "auxiliaryTypes", "arity", "names", "getter", "setter", "scope", "userObject", "root",
                        "typeInfo", "initialValue", "hasInitialValue", "converters", "completionCandidates",
                        "parameterConsumer", "preprocessor"))) {
            b.append('.').append(call);
        }
        for (Object converter : arg.converters()) {
            b.append(".converters(").append(create(converter.getClass())).append(')');
        }
        if (!Objects.equals(arg.completionCandidates(), plain.completionCandidates())) {
            b.append(".completionCandidates(").append(create(arg.completionCandidates().getClass())).append(')');
        }
        if (arg.parameterConsumer() != null || arg.preprocessor().getClass() != plain.preprocessor().getClass()) {
            throw new IllegalStateException(field + ": parameter consumers and preprocessors are not written yet");
        }
        for (Class<?> type : types(arg)) {
            if (type.getName().matches(Cli.NOT_CONVERTED)) {
                throw new IllegalStateException(field + ": kimen does not register picocli's converter for "
                        + type.getName() + " (Cli.NOT_CONVERTED, a start-up cost); parse the text in the command");
            }
        }
        int binding = bindings.computeIfAbsent(field, k -> bindings.size());
        // The field's value as it is now, for help's ${DEFAULT-VALUE}. Not marked as one to reset
        // the field to before parsing: picocli reads that value lazily from the annotated field,
        // after a parent command may have set a shared mixin (kimen --json secret list), and a
        // value taken here would undo it. Each model parses once, into new objects.
        b.append(".initialValue(o.").append(field.getName()).append(").hasInitialValue(false)");
        b.append(".withToString(").append(literal(arg.toString())).append(')');
        b.append(".getter(new Binding(o, ").append(binding).append(")).setter(new Binding(o, ").append(binding).append("))");
        return b.append(".build()").toString();
    }

    private static List<Class<?>> types(ArgSpec arg) {
        var all = new ArrayList<Class<?>>(List.of(arg.auxiliaryTypes()));
        all.add(arg.type());
        return all;
    }

    /**
     * Calls {@code name(value)} for each attribute of {@code actual} that differs from
     * {@code defaults}: every getter that {@code setters} has a setter of the same name and type for,
     * except {@code skip}. A picocli object of the same class as the default's (a help factory,
     * a preprocessor) is taken for the default.
     */
    private static List<String> changed(Object actual, Object defaults, Class<?> setters, Set<String> skip) {
        Method[] getters = actual.getClass().getMethods();
        Arrays.sort(getters, Comparator.comparing(Method::getName));
        var calls = new ArrayList<String>();
        for (Method getter : getters) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || skip.contains(getter.getName())
                    || !hasSetter(setters, getter)) {
                continue;
            }
            Object value = invoke(getter, actual);
            Object plain = invoke(getter, defaults);
            boolean picocliDefault = value != null && plain != null && value.getClass() == plain.getClass()
                    && value.getClass().getName().startsWith("picocli.") && !(value instanceof Range);
            if (!Objects.deepEquals(value, plain) && !picocliDefault) {
                calls.add(getter.getName() + "(" + literal(value) + ")");
            }
        }
        return calls;
    }

    private static boolean hasSetter(Class<?> owner, Method getter) {
        for (Method m : owner.getMethods()) {
            if (m.getName().equals(getter.getName()) && m.getParameterCount() == 1
                    && boxed(m.getParameterTypes()[0]) == boxed(getter.getReturnType())) {
                return true;
            }
        }
        return false;
    }

    private static Class<?> boxed(Class<?> c) {
        return c == boolean.class ? Boolean.class : c == int.class ? Integer.class : c == char.class ? Character.class : c;
    }

    private static Object invoke(Method getter, Object on) {
        try {
            return getter.invoke(on);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + getter + ": " + e, e);
        }
    }

    /** A Java expression for a model value. */
    static String literal(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> quoted(s);
            case String[] a -> "new String[] {" + Arrays.stream(a).map(CommandModelWriter::quoted).collect(Collectors.joining(", ")) + "}";
            case Boolean b -> b.toString();
            case Integer i -> i.toString();
            case Character ch -> "'\\u" + String.format("%04x", (int) ch) + "'";
            case Enum<?> e -> type(e.getDeclaringClass()) + "." + e.name();
            case Class<?> c -> type(c) + ".class";
            case Class[] a -> "new Class<?>[] {" + Arrays.stream(a).map(CommandModelWriter::literal).collect(Collectors.joining(", ")) + "}";
            case Range r -> "new CommandLine.Range(" + r.min() + ", " + r.max() + ", " + r.isVariable() + ", "
                    + r.isUnspecified() + ", " + quoted(r.originalValue()) + ")";
            default -> throw new IllegalStateException("no literal for a " + value.getClass().getName() + ": " + value);
        };
    }

    private static String quoted(String s) {
        if (s == null) {
            return "null";
        }
        var out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (ch < 0x20 || ch > 0x7e) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String type(Class<?> c) {
        return c.getCanonicalName();
    }

    private static void line(StringBuilder body, String statement) {
        body.append("        ").append(statement).append('\n');
    }

    /** One class for every field an option sets, so a model does not load a class per option. */
    private String bindingClass() {
        var get = new StringBuilder();
        var set = new StringBuilder();
        bindings.forEach((field, id) -> {
            String owner = "((" + type(field.getDeclaringClass()) + ") o)." + field.getName();
            get.append("                case ").append(id).append(" -> ").append(owner).append(";\n");
            set.append("                case ").append(id).append(" -> ").append(owner).append(" = (")
                    .append(type(boxed(field.getType()))).append(") value;\n");
        });
        return """

                    private record Binding(Object o, int field) implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {
                        @Override
                        public <T> T get() {
                            return (T) switch (field) {
                %s                default -> throw new IllegalStateException("no field " + field);
                            };
                        }

                        @Override
                        public <T> T set(T value) {
                            T old = get();
                            switch (field) {
                %s                default -> throw new IllegalStateException("no field " + field);
                            }
                            return old;
                        }
                    }
                """.formatted(get, set);
    }
}
