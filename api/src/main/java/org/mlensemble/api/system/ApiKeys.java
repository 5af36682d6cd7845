package org.mlensemble.api.system;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;

/**
 * The configured API key ({@code ml.api.api-key}) and the dashboard session derived from it.
 *
 * <p>A session is {@code expiry.mac}, where mac is an HMAC-SHA256 of the expiry keyed with the API
 * key: it never contains the key, every api instance accepts it without shared state (the load
 * balancer may send the next call to the other one), and changing the key ends every session.
 */
@Component
public final class ApiKeys {

    /** The header that carries the key for scripts, {@code mlctl} and curl. */
    public static final String HEADER = "X-API-Key";
    /** The dashboard's session cookie: HttpOnly, SameSite=Strict, never the key itself. */
    public static final String SESSION_COOKIE = "ml_session";
    /** A request authenticated by the cookie that changes state must carry this header ... */
    public static final String CSRF_HEADER = "X-Requested-With";
    /** ... with this value: another site cannot set a custom header without a CORS preflight. */
    public static final String CSRF_VALUE = "ml-dashboard";

    private static final String MAC = "HmacSHA256";

    private final byte[] key;
    private final Duration lifetime;
    private final ObjectProvider<Clock> clocks;

    ApiKeys(ApiProperties props, ObjectProvider<Clock> clocks) {
        String k = props.apiKey();
        this.key = k == null || k.isBlank() ? null : k.getBytes(StandardCharsets.UTF_8);
        this.lifetime = props.sessionLifetime();
        this.clocks = clocks;
    }

    /** True when a key is configured, so that every path but the open ones needs it. */
    public boolean required() {
        return key != null;
    }

    /** Compares in constant time; false when no key is configured or nothing was given. */
    public boolean matches(String given) {
        return key != null && given != null && MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8));
    }

    /** A new session value, valid for {@code ml.api.session-lifetime}. */
    public String newSession() {
        long expiry = clock().instant().plus(lifetime).getEpochSecond();
        return expiry + "." + mac(expiry);
    }

    /** True for a session minted with the current key that has not expired. */
    public boolean validSession(String session) {
        if (key == null || session == null) {
            return false;
        }
        int dot = session.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        long expiry;
        try {
            expiry = Long.parseLong(session.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        return expiry > clock().instant().getEpochSecond() && MessageDigest.isEqual(
                mac(expiry).getBytes(StandardCharsets.US_ASCII), session.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    /** The Set-Cookie value that starts a session. */
    public ResponseCookie sessionCookie(String session) {
        return cookie(session, lifetime);
    }

    /** The Set-Cookie value that ends the session in the browser. */
    public ResponseCookie clearedCookie() {
        return cookie("", Duration.ZERO);
    }

    private static ResponseCookie cookie(String value, Duration maxAge) {
        return ResponseCookie.from(SESSION_COOKIE, value).httpOnly(true).sameSite("Strict").path("/")
                .maxAge(maxAge).build();
    }

    private String mac(long expiry) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(new SecretKeySpec(key, MAC));
            byte[] out = mac.doFinal(("ml-dashboard-session:" + expiry).getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private Clock clock() {
        return clocks.getIfAvailable(Clock::systemUTC);
    }
}
