package dev.kimen.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.projection.profile.KmapParser;
import dev.kimen.projection.profile.MapContents;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTest {
    static Plan plan(String kmap) {
        MapContents m = KmapParser.parse(kmap, "m.kmap");
        return Plan.of(m.projections(), List.of(), m.problems());
    }

    @Test
    void unsafeFilePathsAreUnsafePath() {
        for (String path : List.of("../x", "/etc/passwd", "a/../../x", "~/x", ".")) {
            Plan p = plan("file " + path + "=const:1\n");
            var e = assertThrows(KimenException.class, p::requireRunnable, path);
            assertEquals(Reason.UNSAFE_PATH, e.reason(), path);
        }
        plan("file a/../b=const:1\nenvpath B=b\n").requireRunnable();
    }

    @Test
    void envpathMustPointAtAFileLine() {
        Plan p = plan("envpath X=missing.json\n");
        assertEquals("m.kmap:1", p.errors().getFirst().origin());
        assertEquals(Reason.MAP_INVALID, assertThrows(KimenException.class, p::requireRunnable).reason());
    }

    @Test
    void secondStdinIsAWarningThatARunRefuses() {
        Plan p = plan("stdin const:a\nstdin const:b\n");
        assertTrue(p.errors().isEmpty());
        assertEquals("m.kmap:2", p.warnings().getFirst().origin());
        var e = assertThrows(KimenException.class, p::requireRunnable);
        assertEquals(Reason.MAP_INVALID, e.reason());
        assertTrue(e.getMessage().startsWith("m.kmap:2:"), e.getMessage());
    }

    @Test
    void effectiveKeepsTheLastOfEachTargetAndAnInlineStdinRuns() {
        MapContents m = KmapParser.parse("file a/../f=const:1\nenv V=const:1\nstdin const:m\n", "m.kmap");
        var problems = new java.util.ArrayList<>(m.problems());
        var inline = List.of(KmapParser.inline(Projection.Kind.FILE, "f=const:2", problems),
                KmapParser.inline(Projection.Kind.STDIN, "const:i", problems));
        Plan p = Plan.of(m.projections(), inline, problems).requireRunnable();
        assertEquals(List.of("m.kmap:2", "--file", "--stdin"), p.effective().stream().map(Projection::origin).toList());
    }

    @Test
    void inlineComesLastAndDuplicatesWarn() {
        MapContents m = KmapParser.parse("env A=const:map\n", "m.kmap");
        var problems = new java.util.ArrayList<>(m.problems());
        var inline = List.of(KmapParser.inline(Projection.Kind.ENV, "A=const:inline", problems));
        Plan p = Plan.of(m.projections(), inline, problems);
        assertEquals("--env", p.projections().getLast().origin());
        assertEquals("--env", p.warnings().getFirst().origin());
    }
}
