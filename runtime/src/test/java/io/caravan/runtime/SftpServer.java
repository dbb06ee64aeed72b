package io.caravan.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SFTP server in this JVM (Apache MINA SSHD) serving a temporary directory: user
 * {@link #USER} logs in with {@link #PASSWORD} or with the key pair {@link #clientKey()}. It runs
 * commands too, as real processes through {@code /bin/sh -c} (as OpenSSH does through the login
 * shell), with {@link #bin()} first on their PATH: a test puts there what a real host has and this
 * one must not run for real (a {@code sudo}).
 */
public final class SftpServer implements AutoCloseable {

    public static final String USER = "etl";
    public static final String PASSWORD = "etl-pw-9";

    private final Path root;
    private final SshServer server;
    private final String knownHosts;
    private final KeyPair clientKey;

    private SftpServer(Path root, SshServer server, String knownHosts, KeyPair clientKey) {
        this.root = root;
        this.server = server;
        this.knownHosts = knownHosts;
        this.clientKey = clientKey;
    }

    /** Starts a server on a free port of 127.0.0.1 with a fresh host key and a fresh client key. */
    public static SftpServer start() throws IOException, GeneralSecurityException {
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
        server.setPublickeyAuthenticator((user, key, session) -> USER.equals(user) && KeyUtils.compareKeys(key, clientKey.getPublic()));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        Path bin = Files.createDirectories(root.resolve("bin"));
        server.setCommandFactory((channel, command) -> {
            String line = "PATH='" + bin + "':\"$PATH\"; " + command;
            return new ProcessShellFactory(line, "/bin/sh", "-c", line).createShell(channel); // runs sh -c line
        });
        Path files = Files.createDirectories(root.resolve("files"));
        server.setFileSystemFactory(new VirtualFileSystemFactory(files));
        server.start();
        PublicKey hostKey = keys.loadKeys(null).iterator().next().getPublic();
        String knownHosts = "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(hostKey);
        return new SftpServer(root, server, knownHosts, clientKey);
    }

    /** The directory the server shows as {@code /}. */
    public Path files() {
        return root.resolve("files");
    }

    /** The directory first on the PATH of commands the server runs. */
    public Path bin() {
        return root.resolve("bin");
    }

    public int port() {
        return server.getPort();
    }

    /** A known_hosts line for this server's host key. */
    public String knownHosts() {
        return knownHosts;
    }

    /** The client's private key in PKCS#8 PEM, as a connection's {@code privateKey} secret holds it. */
    public String clientKeyPem() {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(clientKey.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** The body of {@code POST /api/v1/connections} for an {@code sftp} connection to this server. */
    public Map<String, Object> connection(String name, Map<String, String> secrets) {
        return connection(name, "sftp", secrets);
    }

    /** As {@link #connection(String, Map)}, of another type ({@code ssh}: this server runs commands too). */
    public Map<String, Object> connection(String name, String type, Map<String, String> secrets) {
        return Map.of("name", name, "type", type,
                "config", Map.of("host", "127.0.0.1", "port", port(), "username", USER, "knownHosts", knownHosts),
                "secrets", secrets);
    }

    /** The names in a directory under {@link #files()}; none when it does not exist. */
    public List<String> names(String directory) throws IOException {
        Path dir = files().resolve(directory);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
        TestNode.deleteTree(root);
    }
}
