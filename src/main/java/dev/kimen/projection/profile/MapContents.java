package dev.kimen.projection.profile;

import dev.kimen.projection.Problem;
import dev.kimen.projection.Projection;
import java.util.List;

/** What a map says, and what is wrong with it. */
public record MapContents(List<Projection> projections, List<Problem> problems) {
    /** No map at all: a command that takes only inline projections. */
    public static final MapContents NONE = new MapContents(List.of(), List.of());
}
