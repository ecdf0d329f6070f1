package dev.kimen.sync;

import dev.kimen.crypto.SecretBytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The per-key three-way merge of issue 6 / DESIGN §5, as a pure function of three states: the
 * baseline (what both sides last agreed on), the local vault and the remote. A key changed on one
 * side only takes that change, deletes included; changed on both sides to the same value is no
 * conflict; changed on both sides differently (a delete against an edit included) is a conflict,
 * and the merged state keeps the local value for it until it is resolved.
 *
 * <p>The merged map holds the inputs' own {@link SecretBytes} (no copies): the caller owns them.
 */
public final class ThreeWayMerge {
    private ThreeWayMerge() {}

    public enum Kind { ADDED, CHANGED, REMOVED }

    /** A name that differs from the baseline on one side, and how. */
    public record Change(String name, Kind kind) {}

    /**
     * @param merged the state after taking every one-sided change (conflicts keep the local value)
     * @param conflicts names changed differently on both sides, sorted
     * @param local what changed locally since the baseline
     * @param remote what changed remotely since the baseline
     */
    public record Outcome(Map<String, SecretBytes> merged, List<String> conflicts, List<Change> local,
                          List<Change> remote) {
        /** Whether the merge changes the local vault. */
        public boolean changesLocal(Map<String, SecretBytes> localState) {
            return !same(merged, localState);
        }

        /** Whether each side changed some name the other did not: taking both needs a reconciling merge. */
        public boolean bothSidesMoved() {
            var l = local.stream().map(Change::name).collect(Collectors.toSet());
            var r = remote.stream().map(Change::name).collect(Collectors.toSet());
            return !r.containsAll(l) && !l.containsAll(r);
        }
    }

    public static Outcome merge(Map<String, SecretBytes> base, Map<String, SecretBytes> local,
                                Map<String, SecretBytes> remote) {
        var names = new TreeSet<String>();
        names.addAll(base.keySet());
        names.addAll(local.keySet());
        names.addAll(remote.keySet());
        var merged = new TreeMap<String, SecretBytes>();
        var conflicts = new ArrayList<String>();
        for (String name : names) {
            SecretBytes b = base.get(name);
            SecretBytes l = local.get(name);
            SecretBytes r = remote.get(name);
            SecretBytes take;
            if (equal(l, r) || equal(r, b)) {
                take = l; // the same on both sides, or only local moved
            } else if (equal(l, b)) {
                take = r; // only the remote moved
            } else {
                conflicts.add(name);
                take = l;
            }
            if (take != null) {
                merged.put(name, take);
            }
        }
        return new Outcome(merged, conflicts, changes(base, local), changes(base, remote));
    }

    /** How {@code side} differs from {@code base}, by name. */
    public static List<Change> changes(Map<String, SecretBytes> base, Map<String, SecretBytes> side) {
        var names = new TreeSet<String>();
        names.addAll(base.keySet());
        names.addAll(side.keySet());
        var out = new ArrayList<Change>();
        for (String name : names) {
            SecretBytes b = base.get(name);
            SecretBytes s = side.get(name);
            if (b == null && s != null) {
                out.add(new Change(name, Kind.ADDED));
            } else if (b != null && s == null) {
                out.add(new Change(name, Kind.REMOVED));
            } else if (!equal(b, s)) {
                out.add(new Change(name, Kind.CHANGED));
            }
        }
        return out;
    }

    static boolean same(Map<String, SecretBytes> a, Map<String, SecretBytes> b) {
        return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(n -> equal(a.get(n), b.get(n)));
    }

    private static boolean equal(SecretBytes a, SecretBytes b) {
        return a == null ? b == null : b != null && a.sameAs(b);
    }
}
