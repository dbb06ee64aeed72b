package io.caravan.connectors;

import io.caravan.job.step.StepException;

/** The classified failure a step's run must end in, for tests that then look at its type and text. */
public final class Failures {

    private Failures() {
    }

    /** What a call that must fail with a {@link StepException} does. */
    @FunctionalInterface
    public interface Call {
        void run() throws Exception;
    }

    /** The {@link StepException} {@code call} throws; any other outcome fails the test, saying what happened. */
    public static StepException failure(Call call) {
        try {
            call.run();
        } catch (StepException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a StepException, got " + e, e);
        }
        throw new AssertionError("expected a StepException, the step succeeded");
    }
}
