package dev.kimen.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.crypto.SecretBytes;
import dev.kimen.sync.ThreeWayMerge.Change;
import dev.kimen.sync.ThreeWayMerge.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Issue 6's merge rules, one case each: one-sided changes flow, two-sided differing changes conflict. */
class ThreeWayMergeTest {
    private static Map<String, SecretBytes> state(String... pairs) {
        var m = new TreeMap<String, SecretBytes>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], SecretBytes.ofUtf8(pairs[i + 1]));
        }
        return m;
    }

    private static Map<String, String> text(Map<String, SecretBytes> m) {
        var out = new TreeMap<String, String>();
        m.forEach((k, v) -> out.put(k, new String(v.reveal(), StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void oneSidedChangesIncludingDeletesAreTaken() {
        var base = state("a", "1", "b", "1", "c", "1", "d", "1");
        var local = state("a", "2", "b", "1", "c", "1", "d", "1", "new.local", "x");       // a edited, added one
        var remote = state("a", "1", "b", "3", "d", "1", "new.remote", "y");                 // b edited, c deleted, added one
        var out = ThreeWayMerge.merge(base, local, remote);
        assertEquals(List.of(), out.conflicts());
        assertEquals(Map.of("a", "2", "b", "3", "d", "1", "new.local", "x", "new.remote", "y"), text(out.merged()));
        assertTrue(out.changesLocal(local));
        assertEquals(List.of(new Change("a", Kind.CHANGED), new Change("new.local", Kind.ADDED)), out.local());
        assertEquals(List.of(new Change("b", Kind.CHANGED), new Change("c", Kind.REMOVED),
                new Change("new.remote", Kind.ADDED)), out.remote());
    }

    @Test
    void theSameChangeOnBothSidesIsNoConflict() {
        var out = ThreeWayMerge.merge(state("a", "1", "gone", "1"), state("a", "2", "both", "z"),
                state("a", "2", "both", "z"));
        assertEquals(List.of(), out.conflicts());
        assertEquals(Map.of("a", "2", "both", "z"), text(out.merged()));
    }

    @Test
    void differingChangesOnBothSidesConflictAndKeepTheLocalValue() {
        var base = state("edit", "1", "del", "1", "ok", "1");
        var local = state("edit", "local", "del", "edited", "added", "L", "ok", "1");
        var remote = state("edit", "remote", "added", "R", "ok", "1");                        // del deleted remotely
        var out = ThreeWayMerge.merge(base, local, remote);
        assertEquals(List.of("added", "del", "edit"), out.conflicts());
        assertEquals(Map.of("edit", "local", "del", "edited", "added", "L", "ok", "1"), text(out.merged()));
        assertFalse(out.changesLocal(local), "conflicts change nothing locally");
    }

    @Test
    void nothingChangedMeansNothingToDo() {
        var out = ThreeWayMerge.merge(state("a", "1"), state("a", "1"), state("a", "1"));
        assertEquals(List.of(), out.local());
        assertEquals(List.of(), out.remote());
        assertFalse(out.changesLocal(state("a", "1")));
    }

    @Test
    void onlyOneSidedMovesOnBothSidesNeedAReconcile() {
        var base = state("a", "1", "b", "1");
        assertTrue(ThreeWayMerge.merge(base, state("a", "2", "b", "1"), state("a", "1", "b", "2")).bothSidesMoved(),
                "a moved here, b there");
        assertFalse(ThreeWayMerge.merge(base, state("a", "1", "b", "1"), state("a", "1", "b", "2")).bothSidesMoved(),
                "only the remote moved: a fast-forward");
        assertFalse(ThreeWayMerge.merge(base, state("a", "2", "b", "1"), state("a", "1", "b", "1")).bothSidesMoved(),
                "only we moved: nothing to take");
        assertFalse(ThreeWayMerge.merge(base, state("a", "2", "b", "1"), state("a", "2", "b", "2")).bothSidesMoved(),
                "our one change is already on the remote too");
    }
}
