package io.caravan.runtime.connections;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * An SSH session to an {@code sftp} or {@code ssh} connection's host with JSch — the library
 * camel-sftp and camel-ssh run on: the host key checked against the connection's
 * {@code knownHosts} (an unknown or changed key is refused), a private key or a password.
 */
public final class SshSessions {

    private static final int TIMEOUT_MILLIS = 10_000;

    private SshSessions() {
    }

    /** A connected session; the caller disconnects it. */
    public static Session open(ConnectionStore.Connection c) throws JSchException {
        JSch jsch = new JSch();
        Object known = c.config().get("knownHosts");
        jsch.setKnownHosts(new ByteArrayInputStream((known == null ? "" : known.toString()).getBytes(StandardCharsets.UTF_8)));
        if (c.secrets().get("privateKey") != null) {
            String passphrase = c.secrets().get("passphrase");
            jsch.addIdentity(c.name(), c.secrets().get("privateKey").getBytes(StandardCharsets.UTF_8), null,
                    passphrase == null ? null : passphrase.getBytes(StandardCharsets.UTF_8));
        }
        int port = Integer.parseInt(String.valueOf(c.config().getOrDefault("port", 22)));
        Session session = jsch.getSession(String.valueOf(c.config().get("username")), String.valueOf(c.config().get("host")), port);
        session.setConfig("StrictHostKeyChecking", "yes");
        if (c.secrets().get("password") != null) {
            session.setPassword(c.secrets().get("password"));
        }
        session.connect(TIMEOUT_MILLIS);
        return session;
    }
}
