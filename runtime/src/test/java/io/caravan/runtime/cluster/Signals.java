package io.caravan.runtime.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Signals and process states by pid, for what {@link Process} cannot do: stop and continue a
 * process, and watch processes that are not our children (the postmaster, which {@code pg_ctl}
 * detaches). Linux only, like the rest of the harness.
 */
final class Signals {

    private Signals() {
    }

    /** Sends a signal by name ({@code STOP}, {@code CONT}, {@code QUIT}, …) with {@code kill}; fails if kill does. */
    static void send(long pid, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed: " + output);
        }
    }

    /**
     * The state letter of a process from {@code /proc/<pid>/stat} ({@code R}, {@code S},
     * {@code T} stopped, {@code Z} zombie, …), or {@code 0} when there is no such process.
     */
    static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (command) S ...": the command may itself hold spaces and parentheses
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Whether the process has ended. A zombie counts as ended: the postmaster's parent is PID 1,
     * which need not reap it in a container, and {@link ProcessHandle#isAlive()} reports a zombie alive.
     */
    static boolean ended(long pid) {
        char s = state(pid);
        return s == 0 || s == 'Z' || s == 'X';
    }

    /** Waits until the process is in one of the states; false on timeout. */
    static boolean awaitState(long pid, String states, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (states.indexOf(state(pid)) < 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Waits until the process has ended; false on timeout. */
    static boolean awaitEnded(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
