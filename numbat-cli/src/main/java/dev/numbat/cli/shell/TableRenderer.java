package dev.numbat.cli.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders rows as a boxed text table whose column widths come from the data and whose total width fits
 * {@code maxWidth}. When the natural widths are too wide, the widest text columns give up characters first
 * (their cells end in {@code …}); numbers, dates and other rigid values are never cut, since a cut number
 * reads as a different number. If the table still does not fit, columns are hidden from the middle out and
 * a {@code …} column stands in for them. Numeric columns are right-aligned.
 */
final class TableRenderer {
    /** Text columns are not squeezed below this many characters (one of them the ellipsis). */
    private static final int MIN_TEXT_WIDTH = 8;

    /** The table and how many columns had to be left out. */
    record Rendered(String text, int hiddenColumns) {
    }

    /** How a column is laid out. */
    record Layout(boolean rightAligned, boolean rigid) {
        static final Layout TEXT = new Layout(false, false);
    }

    private TableRenderer() {
    }

    static Rendered render(List<String> names, List<Layout> layout, List<String[]> cells, int maxWidth) {
        int cols = names.size();
        int[] width = new int[cols];
        int[] min = new int[cols];
        for (int c = 0; c < cols; c++) {
            int data = 1;
            for (String[] row : cells) {
                data = Math.max(data, length(row[c]));
            }
            width[c] = Math.max(data, length(names.get(c)));
            min[c] = layout.get(c).rigid() ? Math.max(data, Math.min(width[c], MIN_TEXT_WIDTH))
                    : Math.min(width[c], MIN_TEXT_WIDTH);
        }
        List<Integer> visible = new ArrayList<>();
        for (int c = 0; c < cols; c++) {
            visible.add(c);
        }
        shrink(width, min, visible, maxWidth);
        int gap = -1; // position in visible before which the "…" column stands
        while (total(width, visible, gap >= 0) > maxWidth && visible.size() > 1) {
            if (gap < 0) {
                gap = visible.size() / 2;
            }
            // Hide alternately the column right of the gap and the one left of it.
            if ((cols - visible.size()) % 2 == 0 && gap < visible.size()) {
                visible.remove(gap);
            } else if (gap > 0) {
                visible.remove(--gap);
            } else {
                visible.remove(gap);
            }
        }
        StringBuilder sb = new StringBuilder();
        rule(sb, width, visible, gap);
        line(sb, names.toArray(new String[0]), width, layout, visible, gap, "…");
        rule(sb, width, visible, gap);
        for (String[] row : cells) {
            line(sb, row, width, layout, visible, gap, "…");
        }
        rule(sb, width, visible, gap);
        return new Rendered(sb.toString(), cols - visible.size());
    }

    /** Narrows the widest column that can give one character at a time until the table fits. */
    private static void shrink(int[] width, int[] min, List<Integer> visible, int maxWidth) {
        int total = total(width, visible, false);
        while (total > maxWidth) {
            int widest = -1;
            for (int c : visible) {
                if (width[c] > min[c] && (widest < 0 || width[c] > width[widest])) {
                    widest = c;
                }
            }
            if (widest < 0) {
                return;
            }
            width[widest]--;
            total--;
        }
    }

    private static int total(int[] width, List<Integer> visible, boolean gap) {
        int total = 1 + (gap ? 4 : 0);
        for (int c : visible) {
            total += width[c] + 3;
        }
        return total;
    }

    private static void rule(StringBuilder sb, int[] width, List<Integer> visible, int gap) {
        sb.append('+');
        for (int i = 0; i <= visible.size(); i++) {
            if (i == gap) {
                sb.append("---+");
            }
            if (i < visible.size()) {
                sb.append("-".repeat(width[visible.get(i)] + 2)).append('+');
            }
        }
        sb.append('\n');
    }

    private static void line(StringBuilder sb, String[] cells, int[] width, List<Layout> layout,
            List<Integer> visible, int gap, String ellipsis) {
        sb.append('|');
        for (int i = 0; i <= visible.size(); i++) {
            if (i == gap) {
                sb.append(' ').append(ellipsis).append(" |");
            }
            if (i == visible.size()) {
                break;
            }
            int c = visible.get(i);
            String s = truncate(cells[c], width[c]);
            String pad = " ".repeat(width[c] - length(s));
            sb.append(' ');
            if (layout.get(c).rightAligned()) {
                sb.append(pad).append(s);
            } else {
                sb.append(s).append(pad);
            }
            sb.append(" |");
        }
        sb.append('\n');
    }

    static String truncate(String s, int width) {
        if (length(s) <= width) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, width - 1)) + "…";
    }

    /** The width in characters (code points; wide East Asian characters are counted as one). */
    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}
