package io.caravan.connectors.sftp;

import io.caravan.connectors.connections.ConnectionSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SFTP server in this JVM (Apache MINA SSHD, as the runtime's tests use) serving a
 * temporary directory as {@code /}: user {@link #USER} logs in with {@link #PASSWORD}, user
 * {@link #KEY_USER} with a key pair only. {@link #dropReadsAfter} makes it cut the connection of a
 * session that has read that many bytes of a file: a server going away in the middle of a transfer.
 */
final class SftpTestServer implements AutoCloseable {

    static final String USER = "etl";
    static final String PASSWORD = "etl-pw-9";
    static final String KEY_USER = "deploy";
    static final String PASSPHRASE = "open sesame";

    private final Path root;
    private final SshServer server;
    private final KeyPair clientKey;
    private final AtomicLong dropAfter = new AtomicLong(Long.MAX_VALUE);
    private String knownHosts;

    private SftpTestServer(Path root, SshServer server, KeyPair clientKey) {
        this.root = root;
        this.server = server;
        this.clientKey = clientKey;
    }

    /** Starts a server on a free port of 127.0.0.1 with a fresh host key and a fresh client key. */
    static SftpTestServer start() throws IOException, GeneralSecurityException {
        Path root = Files.createTempDirectory("caravan-sftp");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair clientKey = generator.generateKeyPair();
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(root.resolve("hostkey.ser"));
        keys.setAlgorithm(KeyUtils.RSA_ALGORITHM);
        server.setKeyPairProvider(keys);
        server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        server.setPublickeyAuthenticator((user, key, session) -> KEY_USER.equals(user)
                && KeyUtils.compareKeys(key, clientKey.getPublic()));
        SftpTestServer started = new SftpTestServer(root, server, clientKey);
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        sftp.addSftpEventListener(started.dropper());
        server.setSubsystemFactories(List.of(sftp));
        server.setFileSystemFactory(new VirtualFileSystemFactory(Files.createDirectories(root.resolve("files"))));
        server.start();
        started.knownHosts = "[127.0.0.1]:" + server.getPort() + " "
                + PublicKeyEntry.toString(keys.loadKeys(null).iterator().next().getPublic());
        return started;
    }

    private SftpEventListener dropper() {
        Map<ServerSession, Long> readSoFar = new HashMap<>();
        return new SftpEventListener() {
            @Override
            public void read(ServerSession session, String remoteHandle, FileHandle localHandle, long offset,
                    byte[] data, int dataOffset, int dataLen, int readLen, Throwable thrown) throws IOException {
                long total;
                synchronized (readSoFar) {
                    total = readSoFar.merge(session, (long) Math.max(readLen, 0), Long::sum);
                }
                if (total > dropAfter.get()) {
                    session.close(true);
                }
            }
        };
    }

    /** From now on, a session that has read more than {@code bytes} of files is cut off. */
    void dropReadsAfter(long bytes) {
        dropAfter.set(bytes);
    }

    /** The directory the server shows as {@code /}. */
    Path files() {
        return root.resolve("files");
    }

    int port() {
        return server.getPort();
    }

    /** A known_hosts line for this server's host key. */
    String knownHosts() {
        return knownHosts;
    }

    /** The key user's private key in PKCS#8 PEM, as a connection's {@code privateKey} secret holds it. */
    String clientKeyPem() {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(clientKey.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** The key user's private key in OpenSSH's format, encrypted with {@link #PASSPHRASE}. */
    String clientKeyEncrypted() throws IOException, GeneralSecurityException {
        OpenSSHKeyEncryptionContext encryption = new OpenSSHKeyEncryptionContext();
        encryption.setPassword(PASSPHRASE);
        encryption.setCipherName("AES");
        encryption.setCipherMode("CTR");
        encryption.setCipherType("256");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, KEY_USER, encryption, out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** The names in a directory under {@link #files()}, sorted; none when it does not exist. */
    List<String> names(String directory) throws IOException {
        Path dir = files().resolve(directory);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Binds an sftp connection to this server in {@code camel}'s registry, as the runtime does. */
    ConnectionSettings bind(CamelContext camel, String name, String user, Map<String, String> secrets,
            String knownHosts) {
        Map<String, Object> config = new HashMap<>(Map.of("host", "127.0.0.1", "port", port(), "username", user));
        if (knownHosts != null) {
            config.put("knownHosts", knownHosts);
        }
        ConnectionSettings settings = new ConnectionSettings(name, "sftp", Map.copyOf(config), Map.copyOf(secrets));
        camel.getRegistry().bind(ConnectionSettings.bean(name), ConnectionSettings.class, settings);
        return settings;
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
