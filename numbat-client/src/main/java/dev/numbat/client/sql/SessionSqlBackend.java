package dev.numbat.client.sql;

import dev.numbat.client.DataStream;
import dev.numbat.client.NumbatContext;
import dev.numbat.cluster.flightsql.SqlBackend;
import dev.numbat.cluster.flightsql.SqlResult;
import dev.numbat.cluster.flightsql.TableInfo;
import dev.numbat.plan.catalog.Catalog;
import dev.numbat.plan.types.ArrowCalciteTypes;
import dev.numbat.runtime.RunningQuery;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;

/**
 * Flight SQL over a context's SQL session: what JDBC and ADBC clients run goes through the same SQL front end
 * and the same runner (embedded or the cluster) as {@link NumbatContext#sql}. DDL changes the session's
 * catalog, shared by every client of the endpoint.
 */
public final class SessionSqlBackend implements SqlBackend {
    private final NumbatContext context;
    private final SqlSession session;

    public SessionSqlBackend(NumbatContext context) {
        this.context = context;
        this.session = new SqlSession(context);
    }

    @Override
    public Schema schema(String sql) {
        if (SqlSession.isDdl(sql)) {
            return new Schema(List.of());
        }
        synchronized (session) {
            DataStream s = session.execute(sql);
            Schema schema = s.schema();
            return schema == null ? new Schema(List.of()) : schema;
        }
    }

    @Override
    public SqlResult execute(String sql) {
        DataStream stream;
        boolean ddl = SqlSession.isDdl(sql);
        synchronized (session) {
            stream = session.execute(sql);
        }
        if (ddl) {
            return new Result(new Schema(List.of()), null, 0);
        }
        Schema schema = stream.schema() == null ? new Schema(List.of()) : stream.schema();
        return new Result(schema, stream.run(), -1);
    }

    @Override
    public List<TableInfo> tables() {
        Catalog catalog = context.catalog();
        JavaTypeFactoryImpl types = new JavaTypeFactoryImpl();
        List<TableInfo> out = new ArrayList<>();
        for (String name : catalog.tableNames()) {
            out.add(new TableInfo(name, catalog.table(name).source().schema()));
        }
        for (String name : catalog.viewNames()) {
            out.add(new TableInfo(name, ArrowCalciteTypes.toSchema(catalog.view(name).getRowType(types)),
                    TableInfo.VIEW));
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    private static final class Result implements SqlResult {
        private final Schema schema;
        private final RunningQuery query;
        private final Iterator<VectorSchemaRoot> results;
        private final long updateCount;

        Result(Schema schema, RunningQuery query, long updateCount) {
            this.schema = schema;
            this.query = query;
            this.results = query == null ? null : query.results();
            this.updateCount = updateCount;
        }

        @Override
        public Schema schema() {
            return schema;
        }

        @Override
        public VectorSchemaRoot next() {
            return results == null || !results.hasNext() ? null : results.next();
        }

        @Override
        public void cancel() {
            if (query != null) {
                query.cancel();
            }
        }

        @Override
        public long updateCount() {
            return updateCount;
        }

        @Override
        public void close() {
            if (query != null) {
                query.close();
            }
        }
    }
}
