package dev.numbat.cli.shell;

import java.time.Instant;
import org.jline.reader.impl.history.DefaultHistory;

/**
 * The shell's history: whole statements (however many lines they were typed on) and backslash commands,
 * added by the shell when a statement is complete. The line reader's own additions, one per typed line,
 * are ignored.
 */
final class StatementHistory extends DefaultHistory {
    private boolean adding;

    void addEntry(String entry) {
        if (entry.isEmpty()) {
            return;
        }
        adding = true;
        try {
            super.add(Instant.now(), entry);
        } finally {
            adding = false;
        }
    }

    @Override
    public void add(Instant time, String line) {
        if (adding) {
            super.add(time, line);
        }
    }
}
