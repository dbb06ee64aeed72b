package io.caravan.runtime.execution;

import io.caravan.runtime.store.ExecutionRow;

/** Told when an execution has ended on this node (its final status is stored), for what follows a run. */
public interface ExecutionEnded {

    /** The execution as claimed, and the status it ended with. */
    void ended(ExecutionRow row, String status);
}
