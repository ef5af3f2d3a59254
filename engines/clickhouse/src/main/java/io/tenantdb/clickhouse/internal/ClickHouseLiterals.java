package io.tenantdb.clickhouse.internal;

import io.tenantdb.core.session.Statement;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.UUID;

/**
 * The one place where a Java value becomes ClickHouse SQL text. ClickHouse 18.16 has no
 * server-side query parameters, so every bind value is rendered here as a literal that the server's
 * lexer reads back as exactly that value, never as SQL.
 */
final class ClickHouseLiterals {

    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ClickHouseLiterals() {
    }

    /**
     * @param value a bind value: {@link CharSequence}, {@link Character}, integral and decimal numbers,
     *              (a {@link BigDecimal} as {@code Decimal128} of its scale), {@link Boolean}, {@link LocalDate}, {@link LocalDateTime} (whole seconds),
     *              {@link Instant}, {@link OffsetDateTime}, {@link ZonedDateTime}, {@link UUID},
     *              {@code byte[]}, arrays and collections of these, {@link Enum} (its name) or
     *              {@link Statement.Null}
     * @return the SQL literal
     * @throws IllegalArgumentException for any other type, or a value ClickHouse 18.16 cannot hold
     */
    static String literal(Object value) {
        if (value == null || value instanceof Statement.Null) {
            return "NULL";
        }
        if (value instanceof CharSequence || value instanceof Character) {
            return quote(value.toString());
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof BigDecimal) {
            // A plain 12.34 is a Float64 to ClickHouse, which 18.16 will not compare with a Decimal column.
            BigDecimal d = (BigDecimal) value;
            int scale = Math.max(0, d.scale());
            if (d.precision() - d.scale() + scale > 38) {
                throw new IllegalArgumentException("ClickHouse decimals hold at most 38 digits, the value has " + d.precision()
                        + ": bind it as a String or Double");
            }
            return "toDecimal128('" + d.setScale(scale).toPlainString() + "', " + scale + ")";
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d)) {
                return "nan";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "inf" : "-inf";
            }
            return value instanceof Float ? Float.toString((Float) value) : Double.toString(d);
        }
        if (value instanceof Boolean) {
            return (Boolean) value ? "1" : "0";
        }
        if (value instanceof LocalDate) {
            return "toDate('" + value + "')";
        }
        if (value instanceof LocalDateTime) {
            return "toDateTime('" + dateTime((LocalDateTime) value) + "')";
        }
        if (value instanceof Instant) {
            return "toDateTime(" + epochSeconds((Instant) value) + ")";
        }
        if (value instanceof OffsetDateTime) {
            return "toDateTime(" + epochSeconds(((OffsetDateTime) value).toInstant()) + ")";
        }
        if (value instanceof ZonedDateTime) {
            return "toDateTime(" + epochSeconds(((ZonedDateTime) value).toInstant()) + ")";
        }
        if (value instanceof UUID) {
            return "toUUID('" + value + "')";
        }
        if (value instanceof byte[]) {
            return quoteBytes((byte[]) value);
        }
        if (value instanceof Enum<?>) {
            return quote(((Enum<?>) value).name());
        }
        if (value instanceof Collection<?>) {
            StringBuilder b = new StringBuilder("[");
            for (Object element : (Collection<?>) value) {
                if (b.length() > 1) {
                    b.append(", ");
                }
                b.append(literal(element));
            }
            return b.append(']').toString();
        }
        if (value instanceof Object[]) {
            StringBuilder b = new StringBuilder("[");
            for (Object element : (Object[]) value) {
                if (b.length() > 1) {
                    b.append(", ");
                }
                b.append(literal(element));
            }
            return b.append(']').toString();
        }
        if (value.getClass().isArray()) {
            throw new IllegalArgumentException("primitive arrays other than byte[] cannot be bound: pass a List or a boxed array");
        }
        throw new IllegalArgumentException("cannot bind a " + value.getClass().getName() + " to ClickHouse: use a String, number, "
                + "Boolean, LocalDate, LocalDateTime, Instant, UUID, byte[], List or Statement.Null");
    }

    /**
     * @param s any string, including quotes, backslashes, NUL, control and non-ASCII characters
     * @return a single-quoted ClickHouse string literal holding exactly {@code s} (sent as UTF-8)
     */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            escape(b, s.charAt(i), '\'');
        }
        return b.append('\'').toString();
    }

    /**
     * Quotes an identifier (database, table, column) with backticks.
     *
     * @param name the identifier, any characters but NUL
     * @return {@code `name`} with backslashes and backticks escaped
     * @throws IllegalArgumentException when empty or containing NUL
     */
    static String identifier(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("identifier must not be empty");
        }
        StringBuilder b = new StringBuilder(name.length() + 2).append('`');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException("identifier must not contain NUL");
            }
            escape(b, c, '`');
        }
        return b.append('`').toString();
    }

    /** @return {@code db.table}, both quoted */
    static String qualified(String database, String table) {
        return identifier(database) + "." + identifier(table);
    }

    private static void escape(StringBuilder b, char c, char quote) {
        switch (c) {
            case '\\':
                b.append("\\\\");
                break;
            case '\0':
                b.append("\\0");
                break;
            case '\n':
                b.append("\\n");
                break;
            case '\r':
                b.append("\\r");
                break;
            case '\t':
                b.append("\\t");
                break;
            case '\b':
                b.append("\\b");
                break;
            case '\f':
                b.append("\\f");
                break;
            default:
                if (c == quote) {
                    b.append('\\').append(c);
                } else if (c < 0x20 || c == 0x7f) {
                    b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                } else {
                    b.append(c);
                }
        }
    }

    private static String quoteBytes(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 4 + 2).append('\'');
        for (byte x : bytes) {
            b.append("\\x").append(HEX[(x >> 4) & 0xf]).append(HEX[x & 0xf]);
        }
        return b.append('\'').toString();
    }

    static String dateTime(LocalDateTime value) {
        if (value.getNano() != 0) {
            throw new IllegalArgumentException("ClickHouse 18.16 DateTime holds whole seconds: truncate the value "
                    + "(value.truncatedTo(ChronoUnit.SECONDS)) before binding it");
        }
        return DATE_TIME.format(value);
    }

    private static long epochSeconds(Instant instant) {
        if (instant.getNano() != 0) {
            throw new IllegalArgumentException("ClickHouse 18.16 DateTime holds whole seconds: truncate the instant "
                    + "(instant.truncatedTo(ChronoUnit.SECONDS)) before binding it");
        }
        long s = instant.getEpochSecond();
        if (s < 0 || s > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("ClickHouse DateTime covers 1970-01-01 to 2106-02-07 UTC, was " + instant);
        }
        return s;
    }

    /** @return the UTF-8 bytes of {@code s} (for bodies) */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
