package org.mlensemble.common.table;

/** A data file that does not parse as CSV; the message names the file and the line. */
public class CsvFormatException extends IllegalArgumentException {

    public CsvFormatException(String message) {
        super(message);
    }
}
