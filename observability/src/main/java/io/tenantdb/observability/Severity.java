package io.tenantdb.observability;

import java.util.Locale;

/** How urgent an alert is. */
public enum Severity {
    /** Worth knowing. */
    INFO,
    /** Needs attention soon. */
    WARNING,
    /** Needs attention now. */
    CRITICAL;

    /**
     * @param text {@code info}, {@code warning} or {@code critical}, any case
     * @return the severity
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Severity parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("severity '" + text + "' is not one of info, warning, critical", e);
        }
    }
}
