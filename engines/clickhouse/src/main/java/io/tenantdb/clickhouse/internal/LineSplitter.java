package io.tenantdb.clickhouse.internal;

import java.util.Arrays;

/**
 * Cuts a stream of byte chunks into lines ({@code \n}-terminated), handing each non-empty line to a
 * {@link Sink} as a slice of the chunk it lies in: nothing is copied except a line that spans
 * chunks. Safe for UTF-8 (the byte 0x0A never occurs inside a multi-byte character). One splitter
 * serves one response; it is not thread-safe (a publisher delivers its chunks one at a time).
 */
final class LineSplitter {

    /** Receives lines; the slice is valid only during the call. */
    interface Sink {
        /**
         * @param bytes  the array holding the line
         * @param offset where the line starts
         * @param length its length in bytes, without the terminator; always &gt; 0
         */
        void line(byte[] bytes, int offset, int length);
    }

    private byte[] partial = new byte[0];
    private int partialLength;

    /**
     * Hands {@code sink} every line that ends in {@code chunk}; keeps what follows the last
     * terminator for the next chunk.
     *
     * @param chunk the next chunk of the body
     * @param sink  where lines go
     */
    void feed(byte[] chunk, Sink sink) {
        int start = 0;
        for (int i = 0; i < chunk.length; i++) {
            if (chunk[i] == '\n') {
                if (partialLength > 0) {
                    append(chunk, start, i - start);
                    int length = partialLength;
                    partialLength = 0;
                    sink.line(partial, 0, length);
                } else if (i > start) {
                    sink.line(chunk, start, i - start);
                }
                start = i + 1;
            }
        }
        if (start < chunk.length) {
            append(chunk, start, chunk.length - start);
        }
    }

    /**
     * Hands {@code sink} the last line when the body did not end with a terminator.
     *
     * @param sink where it goes
     */
    void finish(Sink sink) {
        if (partialLength > 0) {
            int length = partialLength;
            partialLength = 0;
            sink.line(partial, 0, length);
        }
    }

    private void append(byte[] bytes, int offset, int length) {
        if (partialLength + length > partial.length) {
            partial = Arrays.copyOf(partial, Math.max(partialLength + length, 2 * partial.length + 64));
        }
        System.arraycopy(bytes, offset, partial, partialLength, length);
        partialLength += length;
    }
}
