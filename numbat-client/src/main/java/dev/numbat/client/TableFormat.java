package dev.numbat.client;

import dev.numbat.core.batch.Values;
import java.util.ArrayList;
import java.util.List;

/** Renders rows as a boxed text table, the way the shell and {@code show()} print results. */
final class TableFormat {
    private static final int MAX_WIDTH = 40;

    private TableFormat() {
    }

    static String format(List<String> names, List<Row> rows) {
        int cols = names.size();
        int[] width = new int[cols];
        List<String[]> cells = new ArrayList<>();
        for (int c = 0; c < cols; c++) {
            width[c] = Math.min(MAX_WIDTH, names.get(c).length());
        }
        for (Row r : rows) {
            String[] line = new String[cols];
            for (int c = 0; c < cols && c < r.size(); c++) {
                String s = Values.format(r.get(c));
                if (s.length() > MAX_WIDTH) {
                    s = s.substring(0, MAX_WIDTH - 1) + "…";
                }
                line[c] = s;
                width[c] = Math.max(width[c], s.length());
            }
            cells.add(line);
        }
        StringBuilder sb = new StringBuilder();
        rule(sb, width);
        sb.append('|');
        for (int c = 0; c < cols; c++) {
            sb.append(' ').append(pad(names.get(c), width[c], false)).append(" |");
        }
        sb.append('\n');
        rule(sb, width);
        for (int i = 0; i < cells.size(); i++) {
            String[] line = cells.get(i);
            sb.append('|');
            for (int c = 0; c < cols; c++) {
                Object v = rows.get(i).size() > c ? rows.get(i).get(c) : null;
                sb.append(' ').append(pad(line[c] == null ? "" : line[c], width[c], v instanceof Number)).append(" |");
            }
            sb.append('\n');
        }
        rule(sb, width);
        sb.append(rows.size()).append(rows.size() == 1 ? " row\n" : " rows\n");
        return sb.toString();
    }

    private static void rule(StringBuilder sb, int[] width) {
        sb.append('+');
        for (int w : width) {
            sb.append("-".repeat(w + 2)).append('+');
        }
        sb.append('\n');
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
