package io.caravan.runtime.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An execution's row, with its step attempts when read whole. */
public record ExecutionRow(UUID id, String jobId, Integer jobVersion, String status, String trigger, String params,
        int totalSteps, int progress, String currentStep, String contextPath, String nodeId, String errorType, String errorMessage, Instant createdAt,
        Instant startedAt, Instant completedAt, List<StepRunRow> steps) {

    /** One attempt of one step. */
    public record StepRunRow(String stepId, int attempt, String status, String errorType, String errorMessage,
            Instant startedAt, Instant completedAt) {
    }
}
