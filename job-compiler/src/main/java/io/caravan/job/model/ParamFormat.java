package io.caravan.job.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Formats a string parameter may be required to follow. */
public enum ParamFormat {
    DATE("date"), DATE_TIME("date-time"), EMAIL("email"), URI("uri");

    private final String json;

    ParamFormat(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }
}
