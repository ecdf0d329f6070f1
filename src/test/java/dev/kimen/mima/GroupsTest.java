package dev.kimen.mima;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kimen.projection.Projection;
import dev.kimen.projection.profile.MapContents;
import dev.kimen.projection.source.ValueSource;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupsTest {
    /** mima's plain links stay as they were; a link may end in broker=, a bare name staying mima's store item. */
    @Test
    void aLinkMayBeBrokeredAndABareNameStaysMimas() {
        var links = new LinkedHashMap<String, String>();
        links.put("PLAIN", "gh-token");
        links.put("OPENAI_API_KEY", "openai-key broker=api.openai.com");
        links.put("VAULT_KEY", "secret:anthropic broker=api.anthropic.com");
        MapContents m = Groups.map(Path.of("/home/u/.mima.yaml"), "agent", links);
        assertEquals(List.of(), m.problems());
        List<Projection> p = m.projections();
        assertEquals(new ValueSource.Stored("gh-token"), p.get(0).source());
        assertNull(p.get(0).broker());
        assertEquals(new ValueSource.Stored("openai-key"), p.get(1).source());
        assertEquals("api.openai.com", p.get(1).broker().describe());
        assertEquals(new ValueSource.Secret("anthropic"), p.get(2).source());
        assertEquals("api.anthropic.com", p.get(2).broker().describe());
    }
}
