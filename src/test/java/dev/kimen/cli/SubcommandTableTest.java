package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** {@link Cli}'s subcommand tables say what the commands' own annotations say, and the word is found. */
class SubcommandTableTest {
    @Test
    void everyNameIsTheCommandsOwn() {
        for (Map<String, Class<?>> table : java.util.List.of(Cli.KIMEN, Cli.MIMA)) {
            table.forEach((name, cls) -> assertEquals(name, cls.getAnnotation(Command.class).name(), cls.getName()));
        }
    }

    @Test
    void theSubcommandIsTheFirstWordThatIsNoOptionNorItsValue() {
        assertEquals("run", Cli.subcommandWord(new String[] {"run", "--env", "A=b", "--", "x"}));
        assertEquals("secret", Cli.subcommandWord(new String[] {"--json", "--vault", "v.kv", "secret", "list"}));
        assertEquals("secret", Cli.subcommandWord(new String[] {"--vault=v.kv", "secret", "list"}));
        assertEquals("secret", Cli.subcommandWord(new String[] {"--passphrase-cmd", "pass show x", "secret", "list"}));
        assertNull(Cli.subcommandWord(new String[] {"--help"}));
        assertNull(Cli.subcommandWord(new String[] {"--version", "--help"}));
        assertEquals(Cli.VERSION_ONLY, Cli.subcommandWord(new String[] {"--version"}));
    }
}
