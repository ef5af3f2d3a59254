package io.tenantdb.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Converts between the engine's byte values and what sessions return. */
final class Values {

    private Values() {
    }

    static byte[] bytes(String value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    static byte[][] bytes(String... values) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("at least one value is required");
        }
        byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = bytes(values[i]);
        }
        return out;
    }

    static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** @return the reply with every {@code byte[]} decoded as UTF-8, lists recursively */
    static Object decode(Object reply) {
        if (reply instanceof byte[]) {
            return text((byte[]) reply);
        }
        if (reply instanceof List) {
            List<?> in = (List<?>) reply;
            List<Object> out = new ArrayList<>(in.size());
            for (Object o : in) {
                out.add(decode(o));
            }
            return out;
        }
        return reply;
    }
}
