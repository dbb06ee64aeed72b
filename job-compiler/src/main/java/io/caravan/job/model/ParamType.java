package io.caravan.job.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** The JSON type of a parameter value. */
public enum ParamType {
    STRING, INTEGER, NUMBER, BOOLEAN, ARRAY, OBJECT;

    @JsonValue
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
