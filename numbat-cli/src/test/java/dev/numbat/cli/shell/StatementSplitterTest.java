package dev.numbat.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatementSplitterTest {
    @Test
    void splitsAtSemicolonsOutsideQuotesAndComments() {
        StatementSplitter.Split split = StatementSplitter.split("""
                select 'a;b', "x;y" from t; -- c;d
                /* e;f */ select 1;
                select 2""");
        assertThat(split.statements()).containsExactly("select 'a;b', \"x;y\" from t", "-- c;d\n/* e;f */ select 1");
        assertThat(split.rest()).isEqualTo("select 2");
        assertThat(split.incomplete()).isTrue();
    }

    @Test
    void doubledQuotesStayInsideTheString() {
        assertThat(StatementSplitter.statements("select 'it''s; fine'; select 2;"))
                .containsExactly("select 'it''s; fine'", "select 2");
    }

    @Test
    void emptyAndCommentOnlyStatementsAreDropped() {
        StatementSplitter.Split split = StatementSplitter.split(";; -- only a comment\n;\n  ");
        assertThat(split.statements()).isEmpty();
        assertThat(split.incomplete()).isFalse();
        assertThat(StatementSplitter.statements("select 1; -- done")).containsExactly("select 1");
    }

    @Test
    void anOpenQuoteOrBlockCommentWaitsForMoreInput() {
        assertThat(StatementSplitter.split("select 'a;\n").incomplete()).isTrue();
        assertThat(StatementSplitter.split("select 'a;\n").statements()).isEmpty();
        StatementSplitter.Split comment = StatementSplitter.split("/* select 1;\n");
        assertThat(comment.incomplete()).isTrue();
        assertThat(comment.restIsStatement()).isFalse();
        assertThat(StatementSplitter.statements("/* unfinished")).isEmpty();
    }
}
