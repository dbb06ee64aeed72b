package io.caravan.runtime.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An execution's row, with its step attempts when read whole. */
public record ExecutionRow(UUID id, String jobId, Integer jobVersion, String status, int priority, String trigger,
        String params,
        int totalSteps, int progress, String currentStep, String contextPath, String nodeId, String errorType,
        String errorMessage, Instant createdAt, Instant startedAt, Instant completedAt, List<StepRunRow> steps) {

    /** The same execution with its step attempts. */
    public ExecutionRow withSteps(List<StepRunRow> runs) {
        return new ExecutionRow(id, jobId, jobVersion, status, priority, trigger, params, totalSteps, progress,
                currentStep, contextPath, nodeId, errorType, errorMessage, createdAt, startedAt, completedAt,
                List.copyOf(runs));
    }

    /** One attempt of one step. */
    public record StepRunRow(String stepId, int attempt, String status, String errorType, String errorMessage,
            Instant startedAt, Instant completedAt) {
    }
}
