package io.tenantdb.clickhouse.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a {@code JSONEachRow} response, chunk by chunk, into rows. One non-blocking Jackson parser
 * serves the whole response and reads each line in place (no copy of the line, no parser or
 * deserialisation context per line, no intermediate map), and rows with the same columns as the
 * previous one share its column list.
 *
 * <p>Values are what Jackson's untyped deserialisation with {@code USE_BIG_DECIMAL_FOR_FLOATS} gives:
 * integers as the smallest of {@link Integer}, {@link Long}, {@link java.math.BigInteger}; other
 * numbers as {@link java.math.BigDecimal}; strings, booleans and {@code null} as such; arrays as
 * {@link ArrayList}; objects as {@link LinkedHashMap}. A line that does not start with
 * <code>{</code> is an error ClickHouse wrote into the stream: the rows before it are delivered,
 * then it becomes a {@link ClickHouseServerException}.
 */
final class JsonEachRowDecoder implements LineSplitter.Sink {

    private static final JsonFactory JSON = new JsonFactory();

    private final LineSplitter splitter = new LineSplitter();
    private JsonParser parser;
    private ByteArrayFeeder feeder;
    /** The columns of the last row, shared by the next rows that have the same. */
    private List<String> columns;
    private String[] names = new String[8];
    private ArrayList<ClickHouseRow> out;
    private RuntimeException failure;

    private JsonEachRowDecoder() {
        newParser();
    }

    /**
     * @param chunks the response body, chunk by chunk
     * @return its rows; a chunk is asked for only when the rows of the previous one are consumed
     */
    static Flux<ClickHouseRow> rows(Flux<byte[]> chunks) {
        return Flux.defer(() -> {
            JsonEachRowDecoder decoder = new JsonEachRowDecoder();
            return chunks.concatMapIterable(decoder::feed, 1).concatWith(Mono.fromCallable(decoder::finish));
        });
    }

    /**
     * @param chunk the next chunk
     * @return the rows of the lines it completes, then the error of a line that is not a row
     */
    Iterable<ClickHouseRow> feed(byte[] chunk) {
        if (failure != null) {
            throw failure;
        }
        out = new ArrayList<>();
        splitter.feed(chunk, this);
        return failure == null ? out : new ThenFail(out, failure);
    }

    /** @return the row of a last line without terminator, or {@code null} */
    ClickHouseRow finish() {
        if (failure != null) {
            throw failure;
        }
        out = new ArrayList<>(1);
        splitter.finish(this);
        if (failure != null) {
            throw failure;
        }
        return out.isEmpty() ? null : out.get(0);
    }

    @Override
    public void line(byte[] bytes, int offset, int length) {
        if (failure != null) {
            return;
        }
        if (bytes[offset] != '{') {
            failure = ClickHouseServerException.parse(200, new String(bytes, offset, length, StandardCharsets.UTF_8));
            return;
        }
        try {
            out.add(row(bytes, offset, length));
        } catch (IOException | RuntimeException e) {
            failure = new IllegalStateException("ClickHouse sent a line that is not JSON (" + length + " bytes)", e);
        }
    }

    private ClickHouseRow row(byte[] bytes, int offset, int length) throws IOException {
        feeder.feedInput(bytes, offset, offset + length);
        if (next() != JsonToken.START_OBJECT) {
            throw new JsonParseException(parser, "a JSONEachRow line must hold one object");
        }
        List<String> known = columns;
        Object[] values = new Object[known == null ? 8 : Math.max(1, known.size())];
        boolean same = known != null;
        int n = 0;
        JsonToken t;
        while ((t = next()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            Object value = value(next());
            if (n == values.length) {
                values = Arrays.copyOf(values, 2 * n);
            }
            if (n == names.length) {
                names = Arrays.copyOf(names, 2 * n);
            }
            same = same && n < known.size() && name.equals(known.get(n));
            names[n] = name;
            values[n++] = value;
        }
        if (t != JsonToken.END_OBJECT) {
            throw new JsonParseException(parser, "unexpected " + t);
        }
        skipRest();
        if (same && n == known.size()) {
            return new ClickHouseRow(known, values.length == n ? values : Arrays.copyOf(values, n));
        }
        List<String> these = List.of(Arrays.copyOf(names, n));
        if (these.size() != Set.copyOf(these).size()) {
            // a repeated key: keep what a map would (the last value, at the key's first place)
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                map.put(names[i], values[i]);
            }
            return new ClickHouseRow(map);
        }
        columns = these;
        return new ClickHouseRow(these, values.length == n ? values : Arrays.copyOf(values, n));
    }

    /** Whatever follows the object on its line is ignored, as a map reader would; a fresh parser takes the next line. */
    private void skipRest() {
        try {
            if (parser.nextToken() == JsonToken.NOT_AVAILABLE) {
                return;
            }
        } catch (IOException e) {
            // fall through: start over
        }
        newParser();
    }

    private void newParser() {
        try {
            parser = JSON.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a JSON parser", e);
        }
        feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    private JsonToken next() throws IOException {
        JsonToken t = parser.nextToken();
        if (t == null || t == JsonToken.NOT_AVAILABLE) {
            throw new JsonParseException(parser, "the line ends inside a JSON value");
        }
        return t;
    }

    private Object value(JsonToken t) throws IOException {
        switch (t) {
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDecimalValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                JsonToken e;
                while ((e = next()) != JsonToken.END_ARRAY) {
                    list.add(value(e));
                }
                return list;
            }
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                JsonToken e;
                while ((e = next()) == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    map.put(key, value(next()));
                }
                if (e != JsonToken.END_OBJECT) {
                    throw new JsonParseException(parser, "unexpected " + e);
                }
                return map;
            }
            default:
                throw new JsonParseException(parser, "unexpected " + t);
        }
    }

    /** The rows of a chunk, then the error of the line that was not a row. */
    private static final class ThenFail implements Iterable<ClickHouseRow> {

        private final List<ClickHouseRow> rows;
        private final RuntimeException failure;

        ThenFail(List<ClickHouseRow> rows, RuntimeException failure) {
            this.rows = rows;
            this.failure = failure;
        }

        @Override
        public Iterator<ClickHouseRow> iterator() {
            Iterator<ClickHouseRow> it = rows.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public ClickHouseRow next() {
                    if (it.hasNext()) {
                        return it.next();
                    }
                    throw failure;
                }
            };
        }
    }
}
