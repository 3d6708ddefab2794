package dev.numbat.client;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One collected row: values as plain Java objects (String, Long, BigDecimal, LocalDate, ...), nulls as null. */
public final class Row {
    private final Map<String, Integer> index;
    private final Object[] values;

    Row(Map<String, Integer> index, Object[] values) {
        this.index = index;
        this.values = values;
    }

    /** A row with just these values, for comparing with collected rows in tests and examples. */
    public static Row of(Object... values) {
        return new Row(Map.of(), values.clone());
    }

    public int size() {
        return values.length;
    }

    public Object get(int column) {
        return values[column];
    }

    /** The value of the named column; unknown names are an {@link IllegalArgumentException}. */
    public Object get(String column) {
        Integer i = index.get(column);
        if (i == null) {
            throw new IllegalArgumentException("no column '" + column + "' in " + index.keySet());
        }
        return values[i];
    }

    public List<Object> values() {
        return Arrays.asList(values.clone());
    }

    /** Rows are equal when their values are, whatever their column names. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && Arrays.equals(values, r.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }

    static Row of(Map<String, Integer> index, Object[] values) {
        return new Row(Objects.requireNonNull(index), values);
    }
}
