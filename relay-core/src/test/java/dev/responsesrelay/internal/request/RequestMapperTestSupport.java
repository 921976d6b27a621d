package dev.responsesrelay.internal.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.internal.Json;
import java.nio.charset.StandardCharsets;

/** Shortcuts for the request mapper tests: map a body, read the Chat JSON back, catch the error. */
public final class RequestMapperTestSupport {
    private RequestMapperTestSupport() {}

    public static MappedRequest map(String responsesJson) {
        return map(responsesJson, ProviderProfile.GENERIC);
    }

    public static MappedRequest map(String responsesJson, ProviderProfile profile) {
        return RequestMapper.map(responsesJson.getBytes(StandardCharsets.UTF_8), profile);
    }

    /** The Chat body of {@code responsesJson}, mapped for the generic profile, as a tree. */
    public static JsonNode chat(String responsesJson) {
        return tree(map(responsesJson).chatJson());
    }

    public static JsonNode chat(String responsesJson, ProviderProfile profile) {
        return tree(map(responsesJson, profile).chatJson());
    }

    /** A minimal request around {@code inputJson}, which is the JSON value of {@code input}. */
    public static String withInput(String inputJson) {
        return "{\"model\":\"m\",\"input\":" + inputJson + "}";
    }

    public static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** Maps {@code responsesJson}, which must fail, and returns the exception. */
    public static InvalidRequestException invalid(String responsesJson) {
        return invalid(responsesJson.getBytes(StandardCharsets.UTF_8));
    }

    public static InvalidRequestException invalid(byte[] body) {
        try {
            MappedRequest mapped = RequestMapper.map(body, ProviderProfile.GENERIC);
            throw new AssertionError("expected InvalidRequestException but mapped to " + mapped.chatJson());
        } catch (InvalidRequestException expected) {
            return expected;
        }
    }
}
