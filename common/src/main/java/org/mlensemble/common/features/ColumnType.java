package org.mlensemble.common.features;

import java.util.Locale;

/** How a column is encoded. */
public enum ColumnType {
    NUMERIC, CATEGORICAL;

    public static ColumnType fromWire(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new DataException("column type must be 'numeric' or 'categorical', got '" + name + "'");
        }
    }
}
