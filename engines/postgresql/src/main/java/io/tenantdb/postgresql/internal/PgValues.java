package io.tenantdb.postgresql.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.r2dbc.postgresql.codec.Json;
import io.tenantdb.core.session.Statement;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * Value conversions between tenantdb and the driver: JSON/JSONB as Jackson {@link JsonNode},
 * {@code bytea} as {@code byte[]}, typed nulls, and the conversions a detached row offers.
 */
public final class PgValues {

    /** Shared, thread-safe once configured. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Map<Class<?>, Class<?>> BOXES = Map.of(int.class, Integer.class, long.class, Long.class,
            short.class, Short.class, double.class, Double.class, float.class, Float.class, boolean.class, Boolean.class,
            byte.class, Byte.class, char.class, Character.class);

    private PgValues() {
    }

    /** @return the value to hand the driver's {@code bind} */
    static Object toDriver(Object value) {
        if (value instanceof JsonNode) {
            try {
                return Json.of(MAPPER.writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write JSON bind value: " + e.getOriginalMessage(), e);
            }
        }
        return value;
    }

    /** @return the driver type for a typed null */
    static Class<?> nullType(Statement.Null n) {
        Class<?> type = box(n.type());
        if (JsonNode.class.isAssignableFrom(type)) {
            return Json.class;
        }
        return type;
    }

    /** @return a value as tenantdb exposes it: JSON as JsonNode, bytea as byte[] */
    static Object fromDriver(Object value) {
        if (value instanceof Json) {
            return readJson(((Json) value).asString());
        }
        if (value instanceof ByteBuffer) {
            ByteBuffer b = ((ByteBuffer) value).duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        }
        return value;
    }

    static JsonNode readJson(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the server returned invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static Class<?> box(Class<?> type) {
        return type.isPrimitive() ? BOXES.get(type) : type;
    }

    /**
     * Converts a detached value to the type asked for.
     *
     * @param value  the value as {@link #fromDriver(Object)} left it
     * @param type   the type asked for
     * @param column the column, for messages
     * @param <T>    the type
     * @return the converted value, or {@code null}
     * @throws IllegalArgumentException when no conversion exists
     */
    @SuppressWarnings("unchecked")
    static <T> T convert(Object value, Class<T> type, String column) {
        if (value == null) {
            return null;
        }
        Class<?> target = box(type);
        if (target.isInstance(value)) {
            return (T) value;
        }
        Object out = null;
        if (value instanceof Number) {
            Number num = (Number) value;
            if (target == Long.class) {
                out = exact(num).longValueExact();
            } else if (target == Integer.class) {
                out = exact(num).intValueExact();
            } else if (target == Short.class) {
                out = exact(num).shortValueExact();
            } else if (target == Double.class) {
                out = num.doubleValue();
            } else if (target == Float.class) {
                out = num.floatValue();
            } else if (target == BigDecimal.class) {
                out = num instanceof BigInteger ? new BigDecimal((BigInteger) num) : new BigDecimal(num.toString());
            } else if (target == BigInteger.class) {
                out = exact(num).toBigIntegerExact();
            } else if (target == String.class) {
                out = num.toString();
            }
        } else if (value instanceof OffsetDateTime) {
            OffsetDateTime t = (OffsetDateTime) value;
            if (target == Instant.class) {
                out = t.toInstant();
            } else if (target == ZonedDateTime.class) {
                out = t.toZonedDateTime();
            } else if (target == LocalDateTime.class) {
                out = t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            }
        } else if (value instanceof LocalDateTime) {
            LocalDateTime t = (LocalDateTime) value;
            if (target == LocalDate.class) {
                out = t.toLocalDate();
            } else if (target == Instant.class) {
                out = t.toInstant(ZoneOffset.UTC);
            } else if (target == OffsetDateTime.class) {
                out = t.atOffset(ZoneOffset.UTC);
            }
        } else if (value instanceof JsonNode && target == String.class) {
            out = value.toString();
        } else if (value instanceof String && JsonNode.class.isAssignableFrom(target)) {
            out = readJson((String) value);
        } else if (value instanceof String && target == UUID.class) {
            out = UUID.fromString((String) value);
        } else if (value instanceof byte[] && target == ByteBuffer.class) {
            out = ByteBuffer.wrap((byte[]) value).asReadOnlyBuffer();
        } else if (target == String.class && (value instanceof UUID || value instanceof Boolean || value instanceof Character
                || value instanceof java.time.temporal.Temporal)) {
            out = value.toString();
        }
        if (out == null || !target.isInstance(out)) {
            throw new IllegalArgumentException("column " + column + " holds a " + value.getClass().getSimpleName()
                    + ", which cannot be read as " + type.getSimpleName());
        }
        return (T) out;
    }

    private static BigDecimal exact(Number num) {
        if (num instanceof BigDecimal) {
            return (BigDecimal) num;
        }
        if (num instanceof BigInteger) {
            return new BigDecimal((BigInteger) num);
        }
        if (num instanceof Double || num instanceof Float) {
            return BigDecimal.valueOf(num.doubleValue());
        }
        return BigDecimal.valueOf(num.longValue());
    }
}
