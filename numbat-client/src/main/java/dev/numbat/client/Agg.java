package dev.numbat.client;

import java.util.Objects;
import java.util.function.Function;
import org.apache.calcite.tools.RelBuilder;

/** An aggregate for {@code groupBy(...).agg(...)}, built with {@link Functions#sum} and friends. */
public final class Agg {
    final Function<Scope, RelBuilder.AggCall> build;
    final String alias;
    final String defaultName;

    Agg(Function<Scope, RelBuilder.AggCall> build, String defaultName, String alias) {
        this.build = Objects.requireNonNull(build, "build");
        this.defaultName = defaultName;
        this.alias = alias;
    }

    /** The same aggregate, named {@code name} in the output. */
    public Agg as(String name) {
        return new Agg(build, defaultName, Objects.requireNonNull(name, "name"));
    }

    RelBuilder.AggCall call(Scope scope) {
        return build.apply(scope).as(alias != null ? alias : defaultName);
    }
}
