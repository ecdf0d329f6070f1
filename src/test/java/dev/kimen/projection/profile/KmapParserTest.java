package dev.kimen.projection.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.projection.Problem;
import dev.kimen.projection.Projection;
import dev.kimen.projection.Projection.Kind;
import dev.kimen.projection.source.ValueSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class KmapParserTest {
    @Test
    void readsEveryDirectiveCommentsBlankLinesAndCrlf() {
        String text = "# prod profile\r\n"
                + "env DATABASE_URL=prod.database_url\r\n"
                + "\r\n"
                + "env PORT=const:5050   # inline comment\r\n"
                + "env HASH=const:a#b\r\n"
                + "env BUILD=exec:git rev-parse HEAD\r\n"
                + "file creds/gcp.json=secret:gcp\r\n"
                + "envpath GOOGLE_APPLICATION_CREDENTIALS=creds/gcp.json\r\n"
                + "   stdin bootstrap\r\n";
        MapContents m = KmapParser.parse(text, "prod.kmap");
        assertEquals(List.of(), m.problems());
        List<Projection> p = m.projections();
        assertEquals(7, p.size());
        assertEquals(new Projection(Kind.ENV, "DATABASE_URL", new ValueSource.Secret("prod.database_url"), null,
                "prod.kmap:2"), p.get(0));
        assertEquals(new ValueSource.Const("5050"), p.get(1).source());
        assertEquals(new ValueSource.Const("a#b"), p.get(2).source(), "# without whitespace before it is data");
        assertEquals(new ValueSource.Exec(List.of("git", "rev-parse", "HEAD")), p.get(3).source());
        assertEquals("creds/gcp.json", p.get(4).target());
        assertEquals("creds/gcp.json", p.get(5).path());
        assertNull(p.get(5).source());
        assertEquals(new Projection(Kind.STDIN, "", new ValueSource.Secret("bootstrap"), null, "prod.kmap:9"), p.get(6));
    }

    @Test
    void badLinesAreErrorsNamingFileAndLine() {
        String text = "env OK=x\n"
                + "frobnicate A=b\n"
                + "env NOEQUALS\n"
                + "env =value\n"
                + "env NAME=\n"
                + "env 1BAD=x\n"
                + "envpath BAD-NAME=x\n"
                + "stdin\n"
                + "env A=secret:\n"
                + "env B=exec:\n";
        MapContents m = KmapParser.parse(text, "m.kmap");
        assertEquals(1, m.projections().size());
        List<String> origins = m.problems().stream().map(Problem::origin).toList();
        assertEquals(List.of("m.kmap:2", "m.kmap:3", "m.kmap:4", "m.kmap:5", "m.kmap:6", "m.kmap:7", "m.kmap:8",
                "m.kmap:9", "m.kmap:10"), origins);
        assertTrue(m.problems().stream().allMatch(Problem::error));
        assertTrue(m.problems().getFirst().render().startsWith("m.kmap:2: unknown directive 'frobnicate'"));
    }

    @Test
    void anEnvLineMayBeBrokeredForHosts() {
        MapContents m = KmapParser.parse("env OPENAI_API_KEY=openai-key broker=api.openai.com\n"
                + "env K=keyring:gh\tbroker=API.GitHub.com,uploads.github.com:8443   # two hosts\n", "m.kmap");
        assertEquals(List.of(), m.problems());
        Projection openai = m.projections().get(0);
        assertEquals(new ValueSource.Secret("openai-key"), openai.source());
        assertEquals("api.openai.com", openai.broker().describe());
        assertTrue(openai.broker().allows("api.openai.com", 443) && !openai.broker().allows("api.openai.com", 8443));
        Projection gh = m.projections().get(1);
        assertEquals(new ValueSource.Keyring("gh"), gh.source());
        assertEquals("api.github.com,uploads.github.com:8443", gh.broker().describe());
        assertNull(KmapParser.parse("env A=x\n", "m.kmap").projections().getFirst().broker());
        MapContents body = KmapParser.parse("env A=x in=headers,body broker=api.example.test\nenv B=y broker=h.example\n", "m.kmap");
        assertTrue(body.projections().get(0).broker().body(), "in= before broker= is read as well");
        assertEquals("api.example.test in=headers,body", body.projections().get(0).broker().describe());
        assertTrue(!body.projections().get(1).broker().body());
    }

    @Test
    void aBrokerOptionThatCannotBeHonouredIsAnError() {
        String text = "file f.json=x broker=api.example.test\n"
                + "env A=const:literal broker=api.example.test\n"
                + "env B=x broker=\n"
                + "env C=x broker=10.0.0.1\n"
                + "env D=x broker=host:99999\n"
                + "env E=x broker=bad_host.example\n"
                + "env F=x broker=a.example,,b.example\n"
                + "env G=x in=headers,body\n"
                + "env H=x broker=a.example in=body\n"
                + "env I=x broker=a.example in=headers,bodies\n"
                + "env J=x broker=a.example broker=b.example\n";
        MapContents m = KmapParser.parse(text, "m.kmap");
        assertEquals(List.of(), m.projections());
        assertEquals(List.of("m.kmap:1: broker= is for env lines: a brokered value reaches the command as a placeholder in a variable",
                "m.kmap:2: broker= keeps a secret from the command; a const: literal is in the map for all to read",
                "m.kmap:3: broker=: an empty host (expected host[:port][,host[:port]...])",
                "m.kmap:4: broker=: '10.0.0.1' is not a host name (expected host[:port][,host[:port]...])",
                "m.kmap:5: broker=: '99999' is not a port (expected host[:port][,host[:port]...])",
                "m.kmap:6: broker=: 'bad_host.example' is not a host name (expected host[:port][,host[:port]...])",
                "m.kmap:7: broker=: an empty host (expected host[:port][,host[:port]...])",
                "m.kmap:8: in= says where a brokered value goes, and there is no broker=HOST",
                "m.kmap:9: in=: the headers are always brokered: write in=headers,body (expected in=headers or in=headers,body)",
                "m.kmap:10: in=: 'bodies' is not headers or body (expected in=headers or in=headers,body)",
                "m.kmap:11: broker= is given twice"),
                m.problems().stream().map(Problem::render).toList());
    }

    @Test
    void aValuePastedAsALineIsNotEchoed() {
        MapContents m = KmapParser.parse("ghp_16C7e42F292c6912E7710c838347Ae178B4a\n", "m.kmap");
        String message = m.problems().getFirst().render();
        assertTrue(message.startsWith("m.kmap:1: unknown directive"), message);
        assertTrue(!message.contains("ghp_"), message);
    }

    @Test
    void keyringSourcesAreKeyringItemsNotVaultNames() {
        MapContents m = KmapParser.parse("\uFEFFenv A=keyring:github\nenv B=keyring:\n", "m.kmap");
        assertEquals(List.of(new dev.kimen.projection.source.ValueSource.Keyring("github")),
                m.projections().stream().map(Projection::source).toList());
        assertTrue(m.problems().getFirst().render().startsWith("m.kmap:2: keyring: needs a name"), m.problems().toString());
    }

    @Test
    void inlineProjectionsNameTheirOption() {
        var problems = new java.util.ArrayList<Problem>();
        Projection p = KmapParser.inline(Kind.ENV, "A=const:1", problems);
        assertEquals("--env", p.origin());
        assertNull(KmapParser.inline(Kind.FILE, "noequals", problems));
        assertEquals("--file", problems.getFirst().origin());
    }
}
