package io.tenantdb.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Objects;

/**
 * Turns cached values into the strings the second-level cache (a key-value store) holds, and back.
 *
 * @param <V> the value type
 */
public interface CacheCodec<V> {

    /** @param value a value @return its text form */
    String encode(V value);

    /** @param text a text form @return the value */
    V decode(String text);

    /** @return the identity codec for string values */
    static CacheCodec<String> string() {
        return new CacheCodec<>() {
            @Override
            public String encode(String value) {
                return value;
            }

            @Override
            public String decode(String text) {
                return text;
            }
        };
    }

    /**
     * @param mapper the JSON mapper
     * @param type   the value class
     * @param <V>    the value type
     * @return a codec writing values as JSON
     */
    static <V> CacheCodec<V> json(ObjectMapper mapper, Class<V> type) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(type, "type");
        return new CacheCodec<>() {
            @Override
            public String encode(V value) {
                try {
                    return mapper.writeValueAsString(value);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("cannot write a " + type.getSimpleName() + " as JSON for the cache", e);
                }
            }

            @Override
            public V decode(String text) {
                try {
                    return mapper.readValue(text, type);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("cannot read a cached " + type.getSimpleName() + " from JSON", e);
                }
            }
        };
    }
}
