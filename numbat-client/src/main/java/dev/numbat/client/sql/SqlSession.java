package dev.numbat.client.sql;

import dev.numbat.client.DataStream;
import dev.numbat.client.NumbatContext;
import dev.numbat.core.NumbatException;
import java.util.List;

/** Runs SQL statements against a context's catalog. */
public final class SqlSession {
    private final NumbatContext context;

    public SqlSession(NumbatContext context) {
        this.context = context;
    }

    /** One statement: a query returns its rows; DDL runs now and returns an empty or one-row status stream. */
    public DataStream execute(String statement) {
        throw NumbatException.userError("SQL is not available yet: %s", statement);
    }

    /** Statements separated by ';', run in order; the results of each. */
    public List<DataStream> executeScript(String script) {
        throw NumbatException.userError("SQL is not available yet");
    }

    public NumbatContext context() {
        return context;
    }
}
