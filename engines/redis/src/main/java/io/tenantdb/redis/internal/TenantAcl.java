package io.tenantdb.redis.internal;

import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.Secret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Per-tenant Redis ACL users for {@code row_level_security}: user {@code tenantdb_<tenant>}, allowed
 * only keys {@code ~<prefix>*} and channels {@code &<prefix>*}, with every dangerous and
 * administrative command removed, so the server itself refuses a tenant's connection anything
 * outside its namespace.
 *
 * <p>Passwords are never stored: each is {@code HMAC-SHA256(secret, "tenantdb-redis-acl:" + tenant)}
 * in hex. With {@code redis.acl_secret} set, every process derives the same passwords; without it a
 * random secret is drawn per engine instance and kept only in memory, so after a restart each tenant
 * must be provisioned again (provisioning resets the password).
 */
public final class TenantAcl {

    /**
     * Commands removed beyond the {@code @dangerous} and {@code @admin} categories. ACL key patterns
     * do not filter what {@code SCAN}, {@code RANDOMKEY}, {@code DBSIZE} and {@code PUBSUB CHANNELS}
     * reveal about other tenants, so those are removed too (the engine's own scan runs on its
     * service connection with a pattern confined to the tenant's prefix). {@code SCRIPT} and
     * {@code FUNCTION} manage server-wide state shared by every tenant; {@code EVAL} stays.
     */
    static final List<String> DENIED = List.of("-@dangerous", "-@admin", "-keys", "-scan", "-randomkey", "-dbsize",
            "-pubsub", "-flushall", "-flushdb", "-config", "-debug", "-shutdown", "-monitor", "-acl", "-migrate",
            "-swapdb", "-move", "-script");
    /** Removed too where the server has it (Redis 7+; Redis 6 refuses rules naming unknown commands). */
    static final List<String> DENIED_SINCE_7 = List.of("-function");

    private final byte[] secret;

    private TenantAcl(byte[] secret) {
        this.secret = secret;
    }

    /**
     * @param secret the configured secret, or {@link Secret#NONE} for a random in-memory one
     * @return the ACL helper
     */
    public static TenantAcl of(Secret secret) {
        byte[] key;
        if (secret.isNone()) {
            key = new byte[32];
            new SecureRandom().nextBytes(key);
        } else {
            key = secret.reveal().getBytes(StandardCharsets.UTF_8);
        }
        return new TenantAcl(key);
    }

    /** @param tenant the tenant @return its ACL user name */
    public String user(TenantId tenant) {
        return "tenantdb_" + tenant.value();
    }

    /** @param tenant the tenant @return its password (derived, never stored) */
    public String password(TenantId tenant) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(("tenantdb-redis-acl:" + tenant.value())
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /**
     * The ACL SETUSER rules, starting from {@code reset} so that running it again gives the same user.
     *
     * @param tenant    the tenant
     * @param namespace its key namespace
     * @param redis7    whether the server knows Redis 7 commands ({@code FUNCTION})
     * @return the rules
     */
    public List<String> rules(TenantId tenant, KeyNamespace namespace, boolean redis7) {
        List<String> rules = new ArrayList<>();
        rules.add("reset");
        rules.add("resetchannels"); // Redis 6 defaults to every channel even after reset
        rules.add("on");
        rules.add(">" + password(tenant));
        rules.add("~" + namespace.globPrefix() + "*");
        rules.add("&" + namespace.globPrefix() + "*");
        rules.add("+@all");
        rules.addAll(DENIED);
        if (redis7) {
            rules.addAll(DENIED_SINCE_7);
        }
        return rules;
    }

    @Override
    public String toString() {
        return "TenantAcl[secret=****]";
    }
}
