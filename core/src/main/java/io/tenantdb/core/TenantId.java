package io.tenantdb.core;

import io.tenantdb.core.exception.InvalidTenantException;

import java.util.regex.Pattern;

/**
 * The validated identity of a tenant.
 *
 * <p>A tenant id is a lower-case ASCII letter followed by at most 47 lower-case letters, digits or
 * underscores ({@value #RULE}). Every engine can therefore use it as (part of) a database, schema,
 * collection, key or index name without escaping. Nothing else is accepted: an id is never trimmed,
 * case-folded or otherwise repaired, because two different inputs must never name the same tenant.
 *
 * <p>Instances are immutable and compare by value.
 */
public final class TenantId implements Comparable<TenantId> {

    /** The rule every tenant id follows, as a regular expression. */
    public static final String RULE = "^[a-z][a-z0-9_]{0,47}$";

    /** The longest tenant id, in characters (and bytes: ids are ASCII). */
    public static final int MAX_LENGTH = 48;

    private static final Pattern PATTERN = Pattern.compile(RULE);

    private final String value;

    private TenantId(String value) {
        this.value = value;
    }

    /**
     * Validates {@code value} and returns it as a tenant id.
     *
     * @param value the candidate id
     * @return the tenant id
     * @throws InvalidTenantException naming the rule broken and the (escaped, truncated) input
     */
    public static TenantId of(String value) {
        String problem = problem(value);
        if (problem != null) {
            throw new InvalidTenantException(value, problem);
        }
        return new TenantId(value);
    }

    /**
     * Tells whether {@code value} is a valid tenant id, without throwing.
     *
     * @param value the candidate id, may be {@code null}
     * @return {@code true} when {@link #of(String)} would accept it
     */
    public static boolean isValid(String value) {
        return problem(value) == null;
    }

    private static String problem(String value) {
        if (value == null) {
            return "a tenant id is required but was null";
        }
        if (value.isEmpty()) {
            return "a tenant id must not be empty";
        }
        if (value.length() > MAX_LENGTH) {
            return "a tenant id has at most " + MAX_LENGTH + " characters, this one has " + value.length();
        }
        char first = value.charAt(0);
        if (first < 'a' || first > 'z') {
            return "a tenant id must start with a lower-case letter a-z";
        }
        if (!PATTERN.matcher(value).matches()) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                if (!ok) {
                    return "a tenant id may contain only a-z, 0-9 and '_', found "
                            + InvalidTenantException.escape(String.valueOf(c)) + " at position " + i;
                }
            }
            return "a tenant id must match " + RULE;
        }
        return null;
    }

    /** @return the id as a string, exactly as validated */
    public String value() {
        return value;
    }

    @Override
    public int compareTo(TenantId other) {
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof TenantId && ((TenantId) o).value.equals(value));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
