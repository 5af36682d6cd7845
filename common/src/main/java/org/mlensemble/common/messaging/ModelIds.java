package org.mlensemble.common.messaging;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The one form of model ids: {@code m-<yyyyMMdd>-<HHmmss>-<suffix>}, the UTC time the id was
 * minted and a suffix of lower-case hex (random) or {@code k} and hex (from an idempotency key).
 * Ids sort by time as text, whoever minted them: the api, or a client that proposes one.
 */
public final class ModelIds {

    /** The id form; the suffix is 6 to 24 characters. */
    public static final Pattern FORM = Pattern.compile("m-\\d{8}-\\d{6}-k?[0-9a-f]{6,24}");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private ModelIds() {
    }

    /** A new id at {@code now} with a random suffix. */
    public static String mint(Instant now) {
        return "m-" + TIME.format(now) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    }

    /** An id at {@code now} whose suffix is {@code k} and {@code hex}: see {@link #keySuffix}. */
    public static String mintKeyed(Instant now, String keyHex) {
        return "m-" + TIME.format(now) + "-k" + keyHex;
    }

    /** The suffix an id minted by {@link #mintKeyed} ends with, to find it again. */
    public static String keySuffix(String keyHex) {
        return "-k" + keyHex;
    }

    /** When a well-formed id was minted, to the second; empty for any other id. */
    public static java.util.Optional<Instant> mintedAt(String id) {
        if (!isWellFormed(id)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Instant.from(TIME.parse(id.substring(2, 17))));
        } catch (java.time.format.DateTimeParseException e) {
            return java.util.Optional.empty();
        }
    }

    public static boolean isWellFormed(String id) {
        return id != null && FORM.matcher(id).matches();
    }
}
