package dev.numbat.plan.sql;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeTransforms;
import org.apache.calcite.sql.util.SqlOperatorTables;

/**
 * The functions SQL text may call: Calcite's standard operators, PostgreSQL's library functions that DuckDB
 * users write ({@code ILIKE}, {@code LENGTH}, {@code STARTS_WITH}, {@code LTRIM}, {@code SUBSTR}, ...), and
 * DuckDB/PostgreSQL's {@code DATE_TRUNC('unit', d)} and {@code DATE_PART('unit', d)} with the unit as a string.
 * What validates here still has to have an {@code Fn} in the physical planner's {@code RexToExpr}; anything
 * else is a USER_ERROR naming the expression.
 */
public final class NumbatOperatorTable {
    /** {@code DATE_TRUNC('month', d)}: {@code d} rounded down to the unit, of {@code d}'s type. */
    public static final SqlFunction DATE_TRUNC = new SqlFunction("DATE_TRUNC", SqlKind.OTHER_FUNCTION,
            ReturnTypes.ARG1_NULLABLE, null,
            OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME),
            SqlFunctionCategory.TIMEDATE);

    /** {@code DATE_PART('year', d)}: the same as {@code EXTRACT(YEAR FROM d)}. */
    public static final SqlFunction DATE_PART = new SqlFunction("DATE_PART", SqlKind.OTHER_FUNCTION,
            ReturnTypes.BIGINT.andThen(SqlTypeTransforms.TO_NULLABLE), null,
            OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME),
            SqlFunctionCategory.TIMEDATE);

    private static final SqlOperatorTable INSTANCE = build();

    private NumbatOperatorTable() {
    }

    public static SqlOperatorTable instance() {
        return INSTANCE;
    }

    private static SqlOperatorTable build() {
        List<SqlOperator> extra = new ArrayList<>();
        for (SqlOperator op : SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(SqlLibrary.POSTGRESQL)
                .getOperatorList()) {
            // PostgreSQL's DATE_PART takes the unit as a keyword; ours takes DuckDB's string.
            if (!op.getName().equalsIgnoreCase("DATE_PART") && !op.getName().equalsIgnoreCase("DATE_TRUNC")) {
                extra.add(op);
            }
        }
        extra.add(DATE_TRUNC);
        extra.add(DATE_PART);
        return SqlOperatorTables.chain(SqlStdOperatorTable.instance(), SqlOperatorTables.of(extra));
    }
}
