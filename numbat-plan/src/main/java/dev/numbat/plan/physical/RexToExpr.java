package dev.numbat.plan.physical;

import dev.numbat.core.NumbatException;
import dev.numbat.core.expr.Expr;
import dev.numbat.core.expr.Fn;
import dev.numbat.core.expr.Types;
import dev.numbat.plan.types.ArrowCalciteTypes;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUnknownAs;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlTrimFunction;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;

import com.google.common.collect.Range;

/**
 * Turns a Calcite {@link RexNode} over one input into Numbat's typed {@link Expr}: column references take the
 * input batch's actual Arrow field type, every other node the Arrow type of its Calcite type
 * ({@link ArrowCalciteTypes}). SEARCH (Calcite's ranges and IN lists) becomes IN / NOT IN for point sets and is
 * otherwise expanded into comparisons. Anything without an {@link Fn} is a USER_ERROR naming the expression.
 */
public final class RexToExpr {
    private final List<Field> input;
    private final RexBuilder rexBuilder;

    /**
     * @param input      the fields of the batches the expression is evaluated over
     * @param rexBuilder used to expand SEARCH
     */
    public RexToExpr(List<Field> input, RexBuilder rexBuilder) {
        this.input = List.copyOf(input);
        this.rexBuilder = Objects.requireNonNull(rexBuilder, "rexBuilder");
    }

    public Expr convert(RexNode node) {
        if (node instanceof RexInputRef ref) {
            Field f = input.get(ref.getIndex());
            return new Expr.Column(ref.getIndex(), f.getType(), f.isNullable());
        }
        if (node instanceof RexLiteral lit) {
            return literal(lit);
        }
        if (node instanceof RexCall call) {
            return call(call);
        }
        throw unsupported(node);
    }

    public List<Expr> convert(List<? extends RexNode> nodes) {
        List<Expr> out = new ArrayList<>(nodes.size());
        for (RexNode n : nodes) {
            out.add(convert(n));
        }
        return out;
    }

    /** A literal's Java value as {@link Expr.Literal} documents it (null for NULL). */
    public static Object literalValue(RexLiteral lit) {
        if (lit.isNull()) {
            return null;
        }
        RelDataType type = lit.getType();
        SqlTypeName name = type.getSqlTypeName();
        return switch (name) {
            case BOOLEAN -> lit.getValueAs(Boolean.class);
            case TINYINT, SMALLINT, INTEGER, BIGINT -> lit.getValueAs(Long.class);
            case DECIMAL -> {
                BigDecimal d = lit.getValueAs(BigDecimal.class);
                yield d.setScale(Math.max(0, type.getScale()), java.math.RoundingMode.HALF_UP);
            }
            case REAL, FLOAT, DOUBLE -> lit.getValueAs(Double.class);
            case CHAR, VARCHAR -> lit.getValueAs(String.class);
            case DATE -> LocalDate.ofEpochDay(lit.getValueAs(DateString.class).getDaysSinceEpoch());
            case TIMESTAMP -> {
                long millis = lit.getValueAs(TimestampString.class).getMillisSinceEpoch();
                yield LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), Math.floorMod(millis, 1000) * 1_000_000,
                        ZoneOffset.UTC);
            }
            default -> {
                if (SqlTypeFamily.INTERVAL_YEAR_MONTH.getTypeNames().contains(name)) {
                    yield Period.ofMonths(lit.getValueAs(BigDecimal.class).intValueExact());
                }
                if (SqlTypeFamily.INTERVAL_DAY_TIME.getTypeNames().contains(name)) {
                    yield Duration.ofMillis(lit.getValueAs(BigDecimal.class).longValueExact());
                }
                Object v = lit.getValue();
                if (v instanceof NlsString s) {
                    yield s.getValue();
                }
                throw NumbatException.userError("literal %s of type %s is not supported", lit, type);
            }
        };
    }

    private Expr literal(RexLiteral lit) {
        if (lit.getType().getSqlTypeName() == SqlTypeName.SYMBOL) {
            Object v = lit.getValue();
            return new Expr.Literal(v instanceof Enum<?> e ? e.name() : String.valueOf(v), Types.VARCHAR);
        }
        ArrowType type = ArrowCalciteTypes.toArrowType(lit.getType());
        Object value = literalValue(lit);
        if (type instanceof ArrowType.Int i && i.getBitWidth() < 32) {
            type = Types.INT; // small integer literals compute as INT
        }
        return new Expr.Literal(value, type);
    }

    private Expr call(RexCall call) {
        SqlKind kind = call.getKind();
        List<RexNode> ops = call.getOperands();
        if (SqlTypeName.INTERVAL_TYPES.contains(call.getType().getSqlTypeName())
                && call.getOperator().getName().equals("*") && ops.size() == 2
                && ops.get(0) instanceof RexLiteral a && ops.get(1) instanceof RexLiteral b && !a.isNull() && !b.isNull()) {
            // INTERVAL 30 DAY parses as 30 * INTERVAL '1' DAY: fold it to one interval literal.
            BigDecimal product = a.getValueAs(BigDecimal.class).multiply(b.getValueAs(BigDecimal.class));
            return literal(rexBuilder.makeIntervalLiteral(product, call.getType().getIntervalQualifier()));
        }
        switch (kind) {
            case SEARCH:
                return search(call);
            case PLUS_PREFIX:
                return convert(ops.get(0));
            case REINTERPRET:
                return make(Fn.CAST, ops, call);
            case TRIM:
                return trim(call);
            case LIKE:
                if (call.getOperator().getName().equalsIgnoreCase("ILIKE") && ops.size() == 2) {
                    // ILIKE: LIKE on lower-cased text and pattern.
                    List<Expr> lowered = new ArrayList<>();
                    for (RexNode op : ops) {
                        if (op instanceof RexLiteral lit && !lit.isNull()) {
                            String text = lit.getValueAs(String.class).toLowerCase(java.util.Locale.ROOT);
                            lowered.add(new Expr.Literal(text, Types.VARCHAR));
                        } else {
                            lowered.add(new Expr.Call(Fn.LOWER, List.of(convert(op)), Types.VARCHAR,
                                    op.getType().isNullable()));
                        }
                    }
                    return typed(Fn.LIKE, lowered, call);
                }
                break;
            case EXTRACT:
                return typed(Fn.EXTRACT, List.of(unit(ops.get(0)), convert(ops.get(1))), call);
            case FLOOR:
            case CEIL:
                if (ops.size() == 2) {
                    if (kind == SqlKind.CEIL) {
                        throw unsupported(call);
                    }
                    return typed(Fn.DATE_TRUNC, List.of(unit(ops.get(1)), convert(ops.get(0))), call);
                }
                return make(kind == SqlKind.FLOOR ? Fn.FLOOR : Fn.CEIL, ops, call);
            default:
                break;
        }
        Fn fn = fnOf(call);
        if (fn == null) {
            throw unsupported(call);
        }
        return make(fn, ops, call);
    }

    private static Fn fnOf(RexCall call) {
        switch (call.getKind()) {
            case PLUS: return Fn.PLUS;
            case MINUS: return Fn.MINUS;
            case TIMES: return Fn.TIMES;
            case DIVIDE: return Fn.DIVIDE;
            case MOD: return Fn.MOD;
            case MINUS_PREFIX: return Fn.NEGATE;
            case EQUALS: return Fn.EQ;
            case NOT_EQUALS: return Fn.NE;
            case LESS_THAN: return Fn.LT;
            case LESS_THAN_OR_EQUAL: return Fn.LE;
            case GREATER_THAN: return Fn.GT;
            case GREATER_THAN_OR_EQUAL: return Fn.GE;
            case BETWEEN: return Fn.BETWEEN;
            case AND: return Fn.AND;
            case OR: return Fn.OR;
            case NOT: return Fn.NOT;
            case IS_NULL: return Fn.IS_NULL;
            case IS_NOT_NULL: return Fn.IS_NOT_NULL;
            case IS_TRUE: return Fn.IS_TRUE;
            case IS_FALSE: return Fn.IS_FALSE;
            case IS_NOT_TRUE: return Fn.IS_NOT_TRUE;
            case IS_NOT_FALSE: return Fn.IS_NOT_FALSE;
            case LIKE: return call.getOperator().getName().equalsIgnoreCase("LIKE") ? Fn.LIKE : null;
            case CASE: return Fn.CASE;
            case CAST: return Fn.CAST;
            case COALESCE: return Fn.COALESCE;
            case NULLIF: return Fn.NULLIF;
            case POSITION: return Fn.POSITION;
            case LTRIM: return Fn.LTRIM;
            case RTRIM: return Fn.RTRIM;
            case STARTS_WITH: return Fn.STARTS_WITH;
            default: break;
        }
        return switch (call.getOperator().getName().toUpperCase(java.util.Locale.ROOT)) {
            case "||", "CONCAT" -> Fn.CONCAT;
            case "SUBSTRING", "SUBSTR" -> Fn.SUBSTRING;
            case "UPPER" -> Fn.UPPER;
            case "LOWER" -> Fn.LOWER;
            case "CHAR_LENGTH", "CHARACTER_LENGTH", "LENGTH" -> Fn.CHAR_LENGTH;
            case "ABS" -> Fn.ABS;
            case "ROUND" -> Fn.ROUND;
            case "STARTS_WITH" -> Fn.STARTS_WITH;
            case "DATE_TRUNC" -> Fn.DATE_TRUNC;
            case "DATE_PART" -> Fn.EXTRACT;
            default -> null;
        };
    }

    private Expr make(Fn fn, List<RexNode> operands, RexCall call) {
        return typed(fn, convert(operands), call);
    }

    private static Expr typed(Fn fn, List<Expr> args, RexCall call) {
        return new Expr.Call(fn, args, ArrowCalciteTypes.toArrowType(call.getType()), call.getType().isNullable());
    }

    private static Expr unit(RexNode flag) {
        if (flag instanceof RexLiteral lit && lit.getValue() instanceof TimeUnitRange unit) {
            String name = switch (unit) {
                case YEAR, QUARTER, MONTH, WEEK, DAY, DOW, DOY, HOUR, MINUTE, SECOND -> unit.name();
                default -> throw NumbatException.userError("time unit %s is not supported", unit);
            };
            return new Expr.Literal(name, Types.VARCHAR);
        }
        throw NumbatException.userError("expected a time unit, got %s", flag);
    }

    private Expr trim(RexCall call) {
        // TRIM(flag, characters, string)
        List<RexNode> ops = call.getOperands();
        if (!(ops.get(0) instanceof RexLiteral flagLit && ops.get(1) instanceof RexLiteral chars
                && " ".equals(chars.getValueAs(String.class)))) {
            throw unsupported(call);
        }
        SqlTrimFunction.Flag flag = flagLit.getValueAs(SqlTrimFunction.Flag.class);
        Fn fn = switch (flag) {
            case BOTH -> Fn.TRIM;
            case LEADING -> Fn.LTRIM;
            case TRAILING -> Fn.RTRIM;
        };
        return typed(fn, List.of(convert(ops.get(2))), call);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Expr search(RexCall call) {
        RexNode ref = call.getOperands().get(0);
        RexLiteral lit = (RexLiteral) call.getOperands().get(1);
        Sarg sarg = lit.getValueAs(Sarg.class);
        boolean points = sarg.isPoints();
        boolean complemented = !points && sarg.isComplementedPoints();
        if ((points || complemented) && sarg.nullAs == RexUnknownAs.UNKNOWN && sarg.pointCount > 1) {
            Expr a = convert(ref);
            List<Expr> args = new ArrayList<>();
            args.add(a);
            Iterable<Range> ranges = complemented ? sarg.rangeSet.complement().asRanges() : sarg.rangeSet.asRanges();
            RelDataType elementType = lit.getType();
            for (Range r : ranges) {
                RexLiteral v = (RexLiteral) rexBuilder.makeLiteral(r.lowerEndpoint(), elementType, true, true);
                args.add(literal(v));
            }
            Expr in = new Expr.Call(Fn.IN, args, Types.BOOLEAN, call.getType().isNullable());
            return complemented ? new Expr.Call(Fn.NOT, List.of(in), Types.BOOLEAN, call.getType().isNullable()) : in;
        }
        return convert(RexUtil.expandSearch(rexBuilder, null, call));
    }

    private static NumbatException unsupported(RexNode node) {
        return NumbatException.userError("expression %s (%s) is not supported", node,
                node instanceof RexCall c ? c.getOperator().getName() : node.getKind());
    }
}
