package org.mlensemble.common.table;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file held in memory as text cells, row-major. Type inference and encoding happen later,
 * on the learner, because they depend on the fit request.
 */
public record Table(List<String> header, List<String[]> rows) {

    public Table {
        header = List.copyOf(header);
    }

    public int columnIndex(String name) {
        return header.indexOf(name);
    }

    public Map<String, Integer> indexByName() {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            m.put(header.get(i), i);
        }
        return m;
    }

    /** A missing cell: empty or the conventional {@code NA}. */
    public static boolean isMissing(String cell) {
        return cell == null || cell.isEmpty() || "NA".equals(cell);
    }
}
