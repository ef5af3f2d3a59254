package io.tenantdb.mongodb.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.function.Function;

/**
 * Maps Java objects (records, beans) to documents and back with Jackson. BSON values without a JSON
 * form (ObjectId, dates, Decimal128) pass through untouched, so an {@code ObjectId} field or an
 * {@code Instant} survives the round trip; they also read from their string or number forms.
 */
final class DocumentMapper {

    private final ObjectMapper mapper;

    DocumentMapper() {
        SimpleModule bson = new SimpleModule("tenantdb-bson");
        bson.addSerializer(ObjectId.class, new Embedded<>(ObjectId::toHexString));
        bson.addSerializer(Decimal128.class, new Embedded<>(Decimal128::toString));
        bson.addSerializer(Date.class, new Embedded<>(d -> d.toInstant().toString()));
        bson.addSerializer(Instant.class, new Embedded<Instant>(Instant::toString) {
            @Override
            Object embedded(Instant value) {
                return Date.from(value);
            }
        });
        bson.addDeserializer(ObjectId.class, new FromBson<>(ObjectId.class, v -> v instanceof ObjectId ? (ObjectId) v
                : new ObjectId(v.toString())));
        bson.addDeserializer(Date.class, new FromBson<>(Date.class, v -> v instanceof Date ? (Date) v
                : v instanceof Number ? new Date(((Number) v).longValue()) : Date.from(Instant.parse(v.toString()))));
        bson.addDeserializer(Instant.class, new FromBson<>(Instant.class, v -> v instanceof Date ? ((Date) v).toInstant()
                : v instanceof Number ? Instant.ofEpochMilli(((Number) v).longValue()) : Instant.parse(v.toString())));
        // Modules on the class path (java.time, Kotlin, ...) first; the BSON types win over them.
        this.mapper = new ObjectMapper()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .findAndRegisterModules()
                .registerModule(bson);
    }

    /**
     * @param value  a Java object
     * @param tenant for messages
     * @return its document form
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> toDocument(Object value, TenantId tenant) {
        if (value == null) {
            throw new DataAccessException("value must not be null", tenant, DatabaseType.MONGODB, null);
        }
        if (value instanceof Map) {
            return (Map<String, Object>) value;
        }
        try {
            Document d = new Document(mapper.convertValue(value, Map.class));
            if (d.containsKey("_id") && d.get("_id") == null) {
                d.remove("_id"); // let the driver generate it
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new DataAccessException("cannot map " + value.getClass().getName() + " to a document: " + e.getMessage(),
                    tenant, DatabaseType.MONGODB, e);
        }
    }

    /**
     * @param document a document
     * @param type     the Java type
     * @param tenant   for messages
     * @param <T>      the type
     * @return the document as that type
     */
    <T> T fromDocument(Map<String, Object> document, Class<T> type, TenantId tenant) {
        if (type.isInstance(document)) {
            return type.cast(document);
        }
        try {
            return mapper.convertValue(document, type);
        } catch (IllegalArgumentException e) {
            throw new DataAccessException("cannot map a document to " + type.getName() + ": " + e.getMessage(),
                    tenant, DatabaseType.MONGODB, e);
        }
    }

    /** Writes a BSON value as an embedded object when converting, as a string otherwise. */
    private static class Embedded<T> extends JsonSerializer<T> {
        private final Function<T, String> text;

        Embedded(Function<T, String> text) {
            this.text = text;
        }

        Object embedded(T value) {
            return value;
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            if (gen instanceof TokenBuffer) {
                gen.writeEmbeddedObject(embedded(value));
            } else {
                gen.writeString(text.apply(value));
            }
        }
    }

    /** Reads a BSON value from its embedded, string or number form. */
    private static final class FromBson<T> extends JsonDeserializer<T> {
        private final Class<T> type;
        private final Function<Object, T> convert;

        FromBson(Class<T> type, Function<Object, T> convert) {
            this.type = type;
            this.convert = convert;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            Object raw;
            if (t == JsonToken.VALUE_EMBEDDED_OBJECT) {
                raw = p.getEmbeddedObject();
            } else if (t == JsonToken.VALUE_NUMBER_INT) {
                raw = p.getLongValue();
            } else if (t == JsonToken.VALUE_STRING) {
                raw = p.getText();
            } else {
                return type.cast(ctxt.handleUnexpectedToken(type, p));
            }
            try {
                return convert.apply(raw);
            } catch (RuntimeException e) {
                return type.cast(ctxt.handleWeirdStringValue(type, String.valueOf(raw), e.getMessage()));
            }
        }
    }
}
