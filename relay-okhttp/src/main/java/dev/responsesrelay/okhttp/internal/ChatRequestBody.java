package dev.responsesrelay.okhttp.internal;

import dev.responsesrelay.Translation;
import java.io.IOException;
import java.io.OutputStream;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;

/**
 * The upstream request body, written from the translation as OkHttp sends it ({@link
 * Translation#writeChatRequest}) instead of being made into one string and then one byte array
 * first: a request with a 30 MB image held three whole copies of it that way (issue 18). Its
 * length is found by writing it once to a counter, so the request keeps a {@code Content-Length}
 * (some local servers do not take chunked request bodies).
 */
public final class ChatRequestBody extends RequestBody {
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private final Translation translation;
    private long length = -1;

    public ChatRequestBody(Translation translation) {
        this.translation = translation;
    }

    @Override
    public @Nullable MediaType contentType() {
        return JSON;
    }

    @Override
    public synchronized long contentLength() throws IOException {
        if (length < 0) {
            Counter counter = new Counter();
            translation.writeChatRequest(counter);
            length = counter.count;
        }
        return length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
        translation.writeChatRequest(sink.outputStream());
    }

    private static final class Counter extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            count += length;
        }
    }
}
