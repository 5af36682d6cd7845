package org.mlensemble.common.features;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * ListedNames as error messages list them: at most {@link #MAX} of them, each cut to {@link #MAX_LENGTH}
 * characters, then "and N more". A request with 50,000 unknown columns, or one very long name, gets
 * an answer of bounded size.
 */
final class ListedNames {

    static final int MAX = 30;
    static final int MAX_LENGTH = 64;

    private ListedNames() {
    }

    /** One name, cut to {@link #MAX_LENGTH} characters. */
    static String one(Object name) {
        String s = String.valueOf(name);
        return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) + "…" : s;
    }

    static String list(Collection<?> names) {
        List<String> shown = new ArrayList<>(Math.min(names.size(), MAX));
        for (Object n : names) {
            if (shown.size() == MAX) {
                break;
            }
            shown.add(one(n));
        }
        String out = shown.toString();
        return names.size() > MAX ? out + " and " + (names.size() - MAX) + " more" : out;
    }
}
