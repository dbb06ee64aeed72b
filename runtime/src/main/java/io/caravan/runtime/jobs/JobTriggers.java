package io.caravan.runtime.jobs;

import io.caravan.job.model.JobDefinition;

/** Told when this node loads or drops a job, so the job's triggers follow its definition. */
public interface JobTriggers {

    /** A job's current definition is loaded here (created, updated, or loaded at start or from another node's change). */
    void loaded(JobDefinition job);

    /** A job is gone (deleted here or on another node). */
    void removed(String jobId);

    /** All of these, in order. */
    static JobTriggers all(JobTriggers... each) {
        return new JobTriggers() {
            @Override
            public void loaded(JobDefinition job) {
                for (JobTriggers t : each) {
                    t.loaded(job);
                }
            }

            @Override
            public void removed(String jobId) {
                for (JobTriggers t : each) {
                    t.removed(jobId);
                }
            }
        };
    }

    /** Triggers nothing. */
    JobTriggers NONE = new JobTriggers() {
        @Override
        public void loaded(JobDefinition job) {
        }

        @Override
        public void removed(String jobId) {
        }
    };
}
