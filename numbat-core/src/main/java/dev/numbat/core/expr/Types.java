package dev.numbat.core.expr;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** The Arrow types Numbat computes with, as constants. */
public final class Types {
    public static final ArrowType BOOLEAN = ArrowType.Bool.INSTANCE;
    public static final ArrowType INT = new ArrowType.Int(32, true);
    public static final ArrowType BIGINT = new ArrowType.Int(64, true);
    public static final ArrowType DOUBLE = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    public static final ArrowType VARCHAR = ArrowType.Utf8.INSTANCE;
    public static final ArrowType DATE = new ArrowType.Date(DateUnit.DAY);
    public static final ArrowType TIMESTAMP = new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
    public static final ArrowType INTERVAL_DAY_TIME = new ArrowType.Interval(IntervalUnit.DAY_TIME);
    public static final ArrowType INTERVAL_YEAR_MONTH = new ArrowType.Interval(IntervalUnit.YEAR_MONTH);

    private Types() {
    }

    public static ArrowType decimal(int precision, int scale) {
        return new ArrowType.Decimal(precision, scale, 128);
    }
}
