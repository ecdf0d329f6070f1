package dev.kimen.shell;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The variables a project's config may not set in your shell, even once allowed (issue 22). The
 * rule: a project may set variables its own programs read, but none that makes a program load or
 * run code it would not otherwise, none that steers the shell, and none that configures kimen:
 *
 * <ol>
 * <li><b>the shell</b>: its start-up files, prompt and command hooks, word splitting, history,
 *     HOME and PATH (PATH only through {@code path_add});
 * <li><b>loaders of code</b>: the dynamic linker ({@code LD_*}, {@code DYLD_*}), and each
 *     runtime's options and search paths that load code into every program it starts (a
 *     {@code sitecustomize.py} on {@code PYTHONPATH} runs in every python; {@code NODE_OPTIONS}
 *     takes {@code --require}; {@code PERL5OPT} takes {@code -M}; {@code JAVA_TOOL_OPTIONS} takes
 *     {@code -javaagent});
 * <li><b>commands other programs run</b>: git's ssh, editor, pager and askpass, and the editor,
 *     pager and browser everything else starts;
 * <li><b>kimen itself</b>: {@code KIMEN_*}, {@code MIMA_*}, and the {@code XDG_*} directories its
 *     config, trust store and access log live in (a project that moved them could silence the log).
 * </ol>
 */
public final class RefusedVariables {
    private RefusedVariables() {}

    private static final Set<String> SHELL = Set.of("PATH", "HOME", "SHELL", "IFS", "CDPATH", "ENV", "BASH_ENV",
            "PROMPT_COMMAND", "PS0", "PS1", "PS2", "PS3", "PS4", "PROMPT", "PROMPT2", "PROMPT3", "PROMPT4", "RPROMPT",
            "RPS1", "RPS2", "SHELLOPTS", "BASHOPTS", "GLOBIGNORE", "HISTFILE", "HISTCONTROL", "ZDOTDIR", "FPATH",
            "INPUTRC", "precmd_functions", "preexec_functions", "chpwd_functions", "periodic_functions",
            "zshaddhistory_functions", "zshexit_functions", "TMOUT");
    private static final Set<String> CODE_LOADERS = Set.of("NODE_OPTIONS", "NODE_PATH", "PERL5OPT", "PERL5LIB",
            "PERLLIB", "PERL5DB", "PYTHONSTARTUP", "PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "PYTHONEXECUTABLE",
            "RUBYOPT", "RUBYLIB", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "CLASSPATH",
            "GCONV_PATH", "LOCPATH", "MALLOC_CHECK_", "GETCONF_DIR");
    private static final Set<String> COMMANDS = Set.of("GIT_SSH", "GIT_SSH_COMMAND", "GIT_EXEC_PATH", "GIT_ASKPASS",
            "SSH_ASKPASS", "GIT_EDITOR", "GIT_PAGER", "GIT_EXTERNAL_DIFF", "GIT_PROXY_COMMAND", "GIT_TEMPLATE_DIR",
            "GIT_DIR", "GIT_WORK_TREE", "EDITOR", "VISUAL", "PAGER", "MANPAGER", "LESSOPEN", "LESSCLOSE", "BROWSER",
            "SUDO_ASKPASS");
    /** Prefixes, compared without case. */
    private static final List<String> PREFIXES = List.of("ld_", "dyld_", "git_config", "kimen_", "mima_", "_kimen",
            "xdg_", "fish_");

    /** Whether a project's config may set {@code name} in the shell. */
    public static boolean allows(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !SHELL.contains(name) && !CODE_LOADERS.contains(name) && !COMMANDS.contains(name)
                && PREFIXES.stream().noneMatch(lower::startsWith);
    }

    /** Why {@code name} is refused, for the note the hook and {@code allow} print. */
    public static String why(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (SHELL.contains(name) || lower.startsWith("fish_")) {
            return "steers the shell";
        }
        if (lower.startsWith("kimen_") || lower.startsWith("mima_") || lower.startsWith("_kimen") || lower.startsWith("xdg_")) {
            return "configures kimen (where its config, trust store and access log are)";
        }
        if (COMMANDS.contains(name) || lower.startsWith("git_config")) {
            return "names a command other programs run";
        }
        return "makes programs load code";
    }
}
