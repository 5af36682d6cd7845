package org.mlensemble.api.ensemble;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.mlensemble.api.membership.Membership;
import org.mlensemble.common.messaging.ModelIds;

/**
 * Names a new model, in the one id form ({@link ModelIds}): a fresh id per fit, or, for a fit with
 * an idempotency key, the id every api instance derives from that key, so that a retry on another
 * instance names the model of its first attempt.
 */
final class ModelIdMinter {

    private final Membership membership;

    ModelIdMinter(Membership membership) {
        this.membership = membership;
    }

    /** The id of a fit started at {@code now}, with an idempotency key or none (null). */
    String mint(String idempotencyKey, long now) {
        return idempotencyKey == null ? ModelIds.mint(Instant.ofEpochMilli(now)) : keyed(idempotencyKey, now);
    }

    /**
     * The model a key names. A key that is itself such an id (clients such as {@code bin/mlctl}
     * mint one per fit) is the id, on every api instance. Any other key is hashed into the suffix
     * and the time is now; a retry finds the model of its first attempt by that suffix in presence
     * (held, or in training), which every instance hears within a heartbeat of the first attempt's
     * start.
     */
    String keyed(String key, long now) {
        if (ModelIds.isWellFormed(key)) {
            return key;
        }
        String hex = keyHex(key);
        return membership.findByIdSuffix(ModelIds.keySuffix(hex))
                .orElseGet(() -> ModelIds.mintKeyed(Instant.ofEpochMilli(now), hex));
    }

    static String keyHex(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
