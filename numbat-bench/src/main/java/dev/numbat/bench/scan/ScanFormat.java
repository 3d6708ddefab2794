package dev.numbat.bench.scan;

/** The file formats the scan benchmark reads. */
public enum ScanFormat {
    CSV, PARQUET;

    /** Lower-case name for tables and files. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
