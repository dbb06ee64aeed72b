package io.caravan.connectors.storage;

/** Where things live in the object store (DESIGN §4). */
public final class ObjectPaths {

    private ObjectPaths() {
    }

    /** The current definition of a job. */
    public static String definition(String jobId) {
        return "jobs/" + jobId + "/definition.json";
    }

    /** One version of a job's definition. */
    public static String version(String jobId, int version) {
        return "jobs/" + jobId + "/versions/" + version + ".json";
    }

    /** Everything of an execution: its context and its files. */
    public static String execution(String jobId, String executionId) {
        return "jobs/" + jobId + "/executions/" + executionId + "/";
    }

    /** The checkpointed context of an execution. */
    public static String context(String jobId, String executionId) {
        return "jobs/" + jobId + "/executions/" + executionId + "/context.json";
    }
}
