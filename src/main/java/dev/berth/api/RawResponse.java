package dev.berth.api;

import dev.berth.json.Json;
import java.nio.charset.StandardCharsets;

/** An answer a public route gives as it is (status, content type, body), not wrapped as an API value. */
record RawResponse(int status, String contentType, byte[] body) {
    static RawResponse json(int status, Object value) {
        return new RawResponse(status, "application/json", Json.write(value).getBytes(StandardCharsets.UTF_8));
    }
}
