package dev.numbat.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableRendererTest {
    private static final TableRenderer.Layout NUMBER = new TableRenderer.Layout(true, true);
    private static final TableRenderer.Layout TEXT = TableRenderer.Layout.TEXT;

    @Test
    void widthsComeFromTheDataAndNumbersAlignRight() {
        TableRenderer.Rendered r = TableRenderer.render(List.of("n", "name"), List.of(NUMBER, TEXT),
                List.of(new String[] {"1", "a"}, new String[] {"123", "NULL"}), 120);
        assertThat(r.text()).isEqualTo("""
                +-----+------+
                | n   | name |
                +-----+------+
                |   1 | a    |
                | 123 | NULL |
                +-----+------+
                """.replace("| n   |", "|   n |"));
        assertThat(r.hiddenColumns()).isZero();
    }

    @Test
    void longTextIsCutButNumbersAreNot() {
        String number = "12345678901234567890";
        TableRenderer.Rendered r = TableRenderer.render(List.of("big", "text"), List.of(NUMBER, TEXT),
                List.<String[]>of(new String[] {number, "y".repeat(200)}), 60);
        assertThat(r.text().lines()).allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(60));
        assertThat(r.text()).contains(number).contains("y…");
        assertThat(r.text().lines().findFirst().orElseThrow()).hasSize(60);
    }

    @Test
    void columnsThatCannotFitAreHiddenFromTheMiddle() {
        List<String> names = new ArrayList<>();
        List<TableRenderer.Layout> layout = new ArrayList<>();
        String[] row = new String[12];
        for (int c = 0; c < 12; c++) {
            names.add("c" + c);
            layout.add(NUMBER);
            row[c] = "1000000000";
        }
        TableRenderer.Rendered r = TableRenderer.render(names, layout, List.<String[]>of(row), 80);
        assertThat(r.text().lines()).allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(80));
        assertThat(r.hiddenColumns()).isGreaterThan(0);
        String header = r.text().lines().skip(1).findFirst().orElseThrow();
        assertThat(header).contains("c0 |", "c11 |", "| … |");
        assertThat(header.indexOf("c0")).isLessThan(header.indexOf('…'));
        assertThat(header.indexOf("c11")).isGreaterThan(header.indexOf('…'));
    }
}
