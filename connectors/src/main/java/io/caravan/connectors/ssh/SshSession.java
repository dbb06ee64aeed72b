package io.caravan.connectors.ssh;

import io.caravan.connectors.connections.ConnectionSettings;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * One SSH connection of one step run, opened with the Apache MINA SSHD client on an {@code ssh}
 * connection's settings: the host key checked strictly against its {@code knownHosts}
 * ({@link KnownHosts}), then a password or a private key (OpenSSH or PEM text, with its passphrase).
 *
 * <p>Why the MINA client itself rather than camel-ssh, which runs on it: camel-ssh reads a
 * command's stdout and stderr whole into memory and hands them over only at the end, sends no
 * environment and cannot close the command's input, and it has no SFTP, which {@code ssh.copy}
 * needs on the same connection. The client gives the exit status, writes both streams to the
 * step as they arrive (so a command that fills one pipe never stalls on it), and a session to
 * close when time is up.
 *
 * <p>The whole run is bounded by one deadline: when it passes, a watchdog closes the session,
 * which closes the command's channel, and what was under way fails {@code ssh.timeout}. A fresh
 * client per run keeps each connection's host keys and identities its own, and leaves no thread
 * behind once the step ends.
 */
final class SshSession implements AutoCloseable {

    /** How long a step without a timeout may run. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

    /** Most time to reach the server and log in, within the step's time. */
    private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(15);

    /** Keeps the TCP connection of a silent long command alive through NAT and firewalls. */
    private static final Duration KEEPALIVE = Duration.ofSeconds(30);

    private final SshClient client;
    private final ClientSession session;
    private final String target;
    private final Duration timeout;
    private final Instant deadline;
    private final AtomicBoolean expired = new AtomicBoolean();
    private final ScheduledFuture<?> watchdog;

    private SshSession(SshClient client, ClientSession session, String target, Duration timeout, Instant deadline) {
        this.client = client;
        this.session = session;
        this.target = target;
        this.timeout = timeout;
        this.deadline = deadline;
        long delay = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
        this.watchdog = client.getScheduledExecutorService().schedule(this::expire, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * The time a step may take: its {@code timeout} (or the job's default), else
     * {@link #DEFAULT_TIMEOUT}, and never past the execution's own deadline.
     */
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
     * Connects to the connection's host and logs in.
     *
     * @throws StepException {@code ssh.config} for settings that cannot work, {@code ssh.host_key}
     *     for a host key not in knownHosts or changed, {@code ssh.auth} for a refused login (none
     *     retryable); {@code ssh.connect} when the host cannot be reached (retryable)
     */
    static SshSession open(ConnectionSettings settings, Duration timeout) throws StepException {
        Instant deadline = Instant.now().plus(timeout);
        String host = required(settings, "host");
        String username = required(settings, "username");
        int port = port(settings);
        String target = host + ":" + port;
        KnownHosts knownHosts = KnownHosts.of(knownHostsText(settings.config().get("knownHosts")), target);
        List<KeyPair> keys = keys(settings);
        String password = settings.secrets().get("password");
        if (keys.isEmpty() && password == null) {
            throw new StepException("ssh.config", "connection '" + settings.name() + "' has neither a password nor a"
                    + " privateKey secret", false);
        }
        SshClient client = client(knownHosts, host, port);
        try {
            Duration login = LOGIN_TIMEOUT.compareTo(timeout) < 0 ? LOGIN_TIMEOUT : timeout;
            ClientSession session = client.connect(username, host, port).verify(login).getSession();
            if (password != null) {
                session.addPasswordIdentity(password);
            }
            keys.forEach(session::addPublicKeyIdentity);
            AuthFuture auth = session.auth();
            if (!auth.await(login)) {
                throw new StepException("ssh.connect", "no login at " + target + " within " + login, true);
            }
            if (!auth.isSuccess()) {
                throw loginFailure(auth.getException(), knownHosts, target, username);
            }
            return new SshSession(client, session, target, timeout, deadline);
        } catch (IOException | RuntimeException e) {
            client.stop();
            throw loginFailure(e, knownHosts, target, username);
        } catch (StepException e) {
            client.stop();
            throw e;
        }
    }

    private static SshClient client(KnownHosts knownHosts, String host, int port) {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(knownHosts);
        List<String> known = knownHosts.keyTypes(host, port);
        List<NamedFactory<Signature>> signatures = new ArrayList<>(client.getSignatureFactories());
        signatures.sort(Comparator.comparing(f -> !known.contains(KeyUtils.getCanonicalKeyType(f.getName()))));
        client.setSignatureFactories(signatures); // host key types knownHosts holds first, the rest in MINA's order
        // only what the connection says: no ~/.ssh/config of the machine the step runs on, no key of its own
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        // the step's deadline ends a run; MINA's idle timeout of 10 minutes would cut a quiet long command
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, KEEPALIVE);
        client.start();
        return client;
    }

    private static StepException loginFailure(Throwable e, KnownHosts knownHosts, String target, String username) {
        if (knownHosts.refusal() != null) {
            return new StepException("ssh.host_key", knownHosts.refusal(), false);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof NoRouteToHostException || c instanceof UnknownHostException
                    || c instanceof UnresolvedAddressException || c instanceof SocketException) {
                return new StepException("ssh.connect", "cannot connect to " + target + ": " + c.getMessage(), true, e);
            }
        }
        String reason = e == null ? "" : String.valueOf(e.getMessage());
        if (reason.contains("authentication methods")) { // MINA: "No more authentication methods available"
            return new StepException("ssh.auth", "login as '" + username + "' at " + target + " was refused: wrong"
                    + " password or key, or the key is not authorized for this user", false, e);
        }
        return new StepException("ssh.connect", "no SSH session with " + target + ": " + reason, true, e);
    }

    private static String required(ConnectionSettings settings, String field) throws StepException {
        String value = settings.text(field);
        if (value == null || value.isBlank()) {
            throw new StepException("ssh.config", "connection '" + settings.name() + "' has no " + field, false);
        }
        return value.trim();
    }

    private static int port(ConnectionSettings settings) throws StepException {
        String text = settings.text("port");
        try {
            int port = text == null || text.isBlank() ? 22 : Integer.parseInt(text.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new StepException("ssh.config", "connection '" + settings.name() + "': port must be a number from 1 to"
                + " 65535, got '" + text + "'", false);
    }

    /** knownHosts as stored: one text of lines, or a list of lines. */
    private static String knownHostsText(Object value) {
        if (value instanceof List<?> lines) {
            StringBuilder text = new StringBuilder();
            lines.forEach(line -> text.append(line).append('\n'));
            return text.toString();
        }
        return value == null ? "" : value.toString();
    }

    private static List<KeyPair> keys(ConnectionSettings settings) throws StepException {
        String text = settings.secrets().get("privateKey");
        if (text == null || text.isBlank()) {
            return List.of();
        }
        String passphrase = settings.secrets().get("passphrase");
        try {
            Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null,
                    NamedResource.ofName("privateKey of connection " + settings.name()),
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                    passphrase == null ? FilePasswordProvider.EMPTY : FilePasswordProvider.of(passphrase));
            List<KeyPair> keys = new java.util.ArrayList<>();
            if (loaded != null) {
                loaded.forEach(keys::add);
            }
            if (!keys.isEmpty()) {
                return keys;
            }
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            // the parser's message may quote the key: only its kind is shown
            throw new StepException("ssh.config", "connection '" + settings.name() + "': the privateKey cannot be read"
                    + " (" + e.getClass().getSimpleName() + "): give an OpenSSH or PEM private key, and its"
                    + " passphrase when it has one", false);
        }
        throw new StepException("ssh.config", "connection '" + settings.name() + "': the privateKey holds no key",
                false);
    }

    /** How a command ended: its exit status, or the signal that killed it; both null when the server said neither. */
    record Exit(Integer status, String signal) {
    }

    /**
     * Runs {@code command} through the account's shell; its stdout and stderr are written to
     * {@code out} and {@code err} as they arrive, and its input is closed at once (a command that
     * reads stdin sees its end rather than waiting for the deadline).
     */
    Exit exec(String command, OutputStream out, OutputStream err) throws StepException {
        try (ChannelExec channel = session.createExecChannel(command)) {
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(remaining());
            channel.getInvertedIn().close();
            // the watchdog closes the session at the deadline; the wait's own bound is a safety net
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED),
                    remaining().plusSeconds(5));
            if (expired.get() || events.contains(ClientChannelEvent.TIMEOUT)) {
                expire();
                throw timedOut("the command");
            }
            if (channel.getExitStatus() == null && channel.getExitSignal() == null && !session.isOpen()) {
                throw new StepException("ssh.io", "the connection to " + target + " was lost while the command ran",
                        true);
            }
            return new Exit(channel.getExitStatus(), channel.getExitSignal());
        } catch (IOException e) {
            throw failure(e, "running the command");
        }
    }

    /** An SFTP client on this connection; the caller closes it. */
    SftpClient sftp() throws StepException {
        try {
            return SftpClientFactory.instance().createSftpClient(session);
        } catch (IOException e) {
            throw failure(e, "opening SFTP (is the sftp subsystem enabled on the server?)");
        }
    }

    /** Where this session is connected, {@code host:port}. */
    String target() {
        return target;
    }

    /**
     * What an I/O failure while {@code doing} something means: the deadline passed
     * ({@code ssh.timeout}), an SFTP status (a missing file, a refused permission: not retryable),
     * or a lost connection ({@code ssh.io}, retryable).
     */
    StepException failure(IOException e, String doing) {
        if (expired.get()) {
            return timedOut(doing);
        }
        if (e instanceof SftpException sftp) {
            String type = switch (sftp.getStatus()) {
                case SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH -> "ssh.not_found";
                case SftpConstants.SSH_FX_PERMISSION_DENIED -> "ssh.permission";
                default -> "ssh.sftp";
            };
            return new StepException(type, doing + " on " + target + ": " + e.getMessage(), false, e);
        }
        return new StepException("ssh.io", doing + " on " + target + " failed: " + e.getMessage(), true, e);
    }

    private StepException timedOut(String what) {
        return new StepException("ssh.timeout", what + " on " + target + " did not finish within " + timeout
                + " (the step's timeout); its channel was closed", true);
    }

    private Duration remaining() {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
    }

    private void expire() {
        expired.set(true);
        session.close(true);
    }

    @Override
    public void close() {
        watchdog.cancel(false);
        session.close(true);
        client.stop();
    }
}
