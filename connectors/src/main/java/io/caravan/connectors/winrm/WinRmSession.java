package io.caravan.connectors.winrm;

import io.caravan.connectors.connections.ConnectionSettings;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.cloudsoft.winrm4j.client.ShellCommand;
import io.cloudsoft.winrm4j.client.WinRmClient;
import io.cloudsoft.winrm4j.client.WinRmClientBuilder;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import javax.xml.ws.soap.SOAPFaultException;
import org.apache.cxf.transport.http.HTTPException;

/**
 * One remote shell on a {@code winrm} connection's host, opened through winrm4j's WS-Management
 * client (SOAP over HTTP or HTTPS, Basic authentication, as the runtime's connection test uses):
 * several commands may run in it one after another, and closing it deletes the shell. Every wait
 * is bounded by the step's deadline: each Receive asks the host to answer within the time left,
 * and once the deadline has passed the command is signalled to terminate and the step fails
 * {@code winrm.timeout}. The password reaches winrm4j only; no message here shows it.
 */
final class WinRmSession implements AutoCloseable {

    /** The timeout of a step that sets none. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

    /** The longest one Receive waits for output before asking again, as WinRM clients do. */
    private static final Duration POLL = Duration.ofSeconds(60);

    private final WinRmClient client;
    private final ShellCommand shell;
    private final Instant deadline;
    private final String target;

    private WinRmSession(WinRmClient client, ShellCommand shell, Instant deadline, String target) {
        this.client = client;
        this.shell = shell;
        this.deadline = deadline;
        this.target = target;
    }

    /** The step's timeout, cut to the execution's deadline when that comes first. */
    static Duration timeout(StepCall call) {
        Duration timeout = call.timeout() == null ? DEFAULT_TIMEOUT : call.timeout();
        Instant end = call.execution().deadline();
        if (end != null) {
            Duration left = Duration.between(Instant.now(), end);
            timeout = left.compareTo(timeout) < 0 ? left : timeout;
        }
        return timeout.isNegative() || timeout.isZero() ? Duration.ofMillis(1) : timeout;
    }

    /**
     * Opens a shell on the connection's host.
     *
     * @param workingDirectory where commands run, or null for the account's home
     * @throws StepException {@code winrm.config} for a connection without host, username or
     *     password; {@code winrm.auth} when the host refuses the credentials; {@code winrm.connect}
     *     (retryable) when it cannot be reached
     */
    static WinRmSession open(ConnectionSettings settings, Duration timeout, String workingDirectory)
            throws StepException {
        Instant deadline = Instant.now().plus(timeout);
        String endpoint = endpoint(settings);
        String password = settings.secrets().get("password");
        if (password == null) {
            throw new StepException("winrm.config", "connection '" + settings.name() + "' has no password secret",
                    false);
        }
        long poll = Math.max(1000, Math.min(POLL.toMillis(), timeout.toMillis()));
        WinRmClientBuilder builder = WinRmClient.builder(endpoint).authenticationScheme("Basic")
                .credentials(required(settings, "username"), password)
                .operationTimeout(poll)
                // the host answers a Receive within the operation timeout; allow it some slack on the way
                .receiveTimeout(poll + 10_000)
                .connectionTimeout(Math.max(1000, Math.min(30_000, timeout.toMillis())))
                // ask again while time is left; past the deadline the timeout fault ends the command
                .retryReceiveAfterOperationTimeout(code -> Instant.now().isBefore(deadline))
                // a failed call is the step's to retry, as a whole, by the job's retry policy
                .retriesForConnectionFailures(0);
        if (workingDirectory != null) {
            builder.workingDirectory(workingDirectory);
        }
        String ca = settings.text("ca");
        if (ca != null) { // certificate checks stay on (winrm4j's default): only what is trusted changes
            try {
                builder.sslContext(io.caravan.connectors.tls.TrustedCertificates.sslContext(ca, "connection '"
                        + settings.name() + "': ca"));
            } catch (IllegalArgumentException e) {
                throw new StepException("winrm.config", e.getMessage(), false);
            }
        }
        WinRmClient client = builder.build();
        try {
            return new WinRmSession(client, client.createShell(), deadline, endpoint);
        } catch (RuntimeException e) {
            client.close();
            throw failure(e, endpoint, deadline, "opening a shell");
        }
    }

    /**
     * Runs one command line in the shell ({@code cmd.exe /c} runs it) and waits for it to end.
     *
     * @param out receives stdout as it arrives; {@code err} receives stderr
     * @return the command's exit code
     * @throws StepException {@code winrm.timeout} (retryable) past the deadline, or as {@link #open}
     */
    int run(String command, Writer out, Writer err) throws StepException {
        try {
            return shell.execute(command, new Bounded(out), new Bounded(err));
        } catch (RuntimeException e) {
            throw failure(e, target, deadline, "running the command");
        }
    }

    @Override
    public void close() {
        try {
            shell.close();
        } catch (RuntimeException e) {
            // the host ends an idle shell itself; nothing more to do about one it cannot delete now
        } finally {
            client.close();
        }
    }

    private static String endpoint(ConnectionSettings settings) throws StepException {
        String host = required(settings, "host");
        boolean https = Boolean.parseBoolean(String.valueOf(settings.config().getOrDefault("https", "false")));
        Object port = settings.config().getOrDefault("port", https ? 5986 : 5985);
        try {
            int number = Integer.parseInt(port.toString());
            return new URI(https ? "https" : "http", null, host, number, "/wsman", null, null).toString();
        } catch (NumberFormatException | URISyntaxException e) {
            throw new StepException("winrm.config", "connection '" + settings.name() + "': host '" + host
                    + "' and port '" + port + "' make no address", false);
        }
    }

    private static String required(ConnectionSettings settings, String key) throws StepException {
        String value = settings.text(key);
        if (value == null || value.isBlank()) {
            throw new StepException("winrm.config", "connection '" + settings.name() + "' has no " + key, false);
        }
        return value;
    }

    /** A classified failure for what winrm4j or CXF threw. */
    static StepException failure(RuntimeException e, String target, Instant deadline, String doing) {
        if (e instanceof DeadlinePassed || !Instant.now().isBefore(deadline)) {
            return new StepException("winrm.timeout", "the step's time ran out while " + doing + " on " + target,
                    true, e);
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HTTPException http) {
                return answered(http.getResponseCode(), target, doing, e);
            }
            if (String.valueOf(t.getMessage()).contains("Authorization loop")) { // winrm4j's word for a 401 on a retry
                return answered(401, target, doing, e);
            }
            if (t instanceof SOAPFaultException fault) {
                return new StepException("winrm.fault", target + " answered a fault while " + doing + ": "
                        + fault.getMessage(), false, e);
            }
            if (t instanceof IOException) {
                return new StepException("winrm.connect", "cannot reach " + target + " while " + doing + ": "
                        + t.getMessage(), true, e);
            }
        }
        return new StepException("winrm.protocol", target + " gave an unexpected answer while " + doing + ": "
                + e.getMessage(), false, e);
    }

    /** The failure for an HTTP status other than 200: a refused login, a host in trouble, or no WinRM there. */
    private static StepException answered(int status, String target, String doing, RuntimeException e) {
        if (status == 401) {
            return new StepException("winrm.auth", target + " refused the connection's username and password"
                    + " (401; the WinRM service must allow Basic authentication)", false, e);
        }
        return new StepException(status >= 500 ? "winrm.connect" : "winrm.protocol", target + " answered HTTP "
                + status + " while " + doing, status >= 500, e);
    }

    /** Thrown from a stream write once the deadline has passed, to stop a command that keeps writing. */
    private static final class DeadlinePassed extends RuntimeException {
        DeadlinePassed() {
            super("deadline passed", null, false, false);
        }
    }

    /** A writer that refuses output past the deadline and leaves closing the writer it feeds to the caller. */
    private final class Bounded extends Writer {
        private final Writer to;

        Bounded(Writer to) {
            this.to = to;
        }

        @Override
        public void write(char[] text, int off, int len) throws IOException {
            if (!Instant.now().isBefore(deadline)) {
                throw new DeadlinePassed();
            }
            to.write(text, off, len);
        }

        @Override
        public void flush() throws IOException {
            to.flush();
        }

        @Override
        public void close() throws IOException {
            to.flush();
        }
    }
}
