package dev.numbat.client;

import dev.numbat.core.NumbatException;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.tools.RelBuilder;

/**
 * Where a {@link Column} is resolved: a RelBuilder with one input (a filter, a projection) or two (a join
 * condition, looked up in the left input first, then the right).
 */
public final class Scope {
    final RelBuilder builder;
    private final int inputs;

    Scope(RelBuilder builder, int inputs) {
        this.builder = builder;
        this.inputs = inputs;
    }

    RexNode field(String name) {
        List<String> known = new ArrayList<>();
        RexNode found = null;
        for (int i = 0; i < inputs; i++) {
            for (RelDataTypeField f : builder.peek(inputs, i).getRowType().getFieldList()) {
                known.add(f.getName());
                if (f.getName().equals(name)) {
                    if (found != null) {
                        throw NumbatException.userError(
                                "column '%s' is on both sides of the join: rename one side first", name);
                    }
                    found = builder.field(inputs, i, name);
                }
            }
        }
        if (found == null) {
            throw NumbatException.userError("no column '%s'%s; columns are %s", name, suggestion(name, known), known);
        }
        return found;
    }

    /** " (did you mean 'x'?)" for the closest known name, or nothing when none is close. */
    public static String suggestion(String name, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(name.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 3) ? " (did you mean '" + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
