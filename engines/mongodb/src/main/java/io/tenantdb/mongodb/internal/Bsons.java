package io.tenantdb.mongodb.internal;

import com.mongodb.MongoClientSettings;
import org.bson.BsonDocument;
import org.bson.BsonDocumentReader;
import org.bson.Document;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.DocumentCodec;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Conversions between caller maps, driver {@link Bson} and {@link Document}. */
final class Bsons {

    private static final DocumentCodec CODEC = new DocumentCodec(MongoClientSettings.getDefaultCodecRegistry());

    private Bsons() {
    }

    /** @param bson a filter or update built with the driver's builders @return it as a document */
    static Document toDocument(Bson bson) {
        if (bson instanceof Document) {
            return (Document) bson;
        }
        BsonDocument raw = bson.toBsonDocument(BsonDocument.class, MongoClientSettings.getDefaultCodecRegistry());
        return CODEC.decode(new BsonDocumentReader(raw), DecoderContext.builder().build());
    }

    /** @param map a caller map, may be {@code null} @return a new document holding a copy of its entries */
    static Document copy(Map<String, ?> map) {
        Document d = new Document();
        if (map != null) {
            d.putAll(map);
        }
        return d;
    }

    /**
     * Removes {@code field} from a document and every document nested in it (lookups, facets).
     *
     * @param value a result value
     * @param field the field
     */
    static void stripDeep(Object value, String field) {
        if (value instanceof Map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) value;
            map.remove(field);
            for (Object v : map.values()) {
                stripDeep(v, field);
            }
        } else if (value instanceof Collection) {
            for (Object v : (Collection<?>) value) {
                stripDeep(v, field);
            }
        }
    }

    /** @param value a list of stages as given @return them as documents, checked to be documents */
    static List<Document> stages(Object value) {
        List<Document> out = new ArrayList<>();
        if (!(value instanceof Collection)) {
            return null;
        }
        for (Object o : (Collection<?>) value) {
            if (o instanceof Map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) o;
                out.add(copy(m));
            } else if (o instanceof Bson) {
                out.add(toDocument((Bson) o));
            } else {
                return null;
            }
        }
        return out;
    }
}
