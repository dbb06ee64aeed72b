package io.caravan.connectors.ssh;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SSH server in this JVM (Apache MINA SSHD) on 127.0.0.1: commands run as real processes
 * through {@code /bin/sh -c}, as OpenSSH runs them through the account's shell; SFTP serves
 * {@link #files()} as {@code /}. Like most servers it has an RSA and an Ed25519 host key. User
 * {@link #PASSWORD_USER} logs in with {@link #PASSWORD}, user {@link #KEY_USER} with the RSA or
 * the Ed25519 key pair made here.
 */
final class SshTestServer implements AutoCloseable {

    static final String PASSWORD_USER = "ops";
    static final String PASSWORD = "ops-pw-4471";
    static final String KEY_USER = "deploy";
    static final String PASSPHRASE = "deploy-phrase-93";

    private final Path root;
    private final SshServer server;
    private final KeyPair clientKey;
    private final KeyPair clientEd25519;
    private final KeyPair hostEd25519;
    private final String knownHosts;

    private SshTestServer(Path root, SshServer server, KeyPair clientKey, KeyPair clientEd25519, KeyPair hostEd25519,
            String knownHosts) {
        this.root = root;
        this.server = server;
        this.clientKey = clientKey;
        this.clientEd25519 = clientEd25519;
        this.hostEd25519 = hostEd25519;
        this.knownHosts = knownHosts;
    }

    static SshTestServer start(Path root) throws IOException, GeneralSecurityException {
        KeyPair clientKey = rsa();
        KeyPair clientEd25519 = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        KeyPair hostRsa = rsa();
        KeyPair hostEd25519 = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostEd25519, hostRsa));
        server.setPasswordAuthenticator((user, password, session) -> PASSWORD_USER.equals(user)
                && PASSWORD.equals(password));
        server.setPublickeyAuthenticator((user, key, session) -> KEY_USER.equals(user)
                && (KeyUtils.compareKeys(key, clientKey.getPublic()) || KeyUtils.compareKeys(key, clientEd25519.getPublic())));
        server.setCommandFactory((channel, command) ->
                new ProcessShellFactory(command, "/bin/sh", "-c", command).createShell(channel));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        Path files = Files.createDirectories(root.resolve("files"));
        server.setFileSystemFactory(new VirtualFileSystemFactory(files));
        server.start();
        String knownHosts = "# the test server's RSA key\n[127.0.0.1]:" + server.getPort() + " "
                + PublicKeyEntry.toString(hostRsa.getPublic()) + "\n";
        return new SshTestServer(root, server, clientKey, clientEd25519, hostEd25519, knownHosts);
    }

    static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    int port() {
        return server.getPort();
    }

    /** The folder SFTP shows as {@code /}. */
    Path files() {
        return root.resolve("files");
    }

    /** A known_hosts text naming this server's host key. */
    String knownHosts() {
        return knownHosts;
    }

    /** A known_hosts line of the server's Ed25519 host key. */
    String knownHostsEd25519() {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostEd25519.getPublic());
    }

    /** The client's Ed25519 key in OpenSSH format, unencrypted (as ssh-keygen writes it by default). */
    String keyEd25519() throws IOException, GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientEd25519, "deploy@test", null, out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** The client key in PKCS#8 PEM, unencrypted. */
    String keyPem() {
        return pem(clientKey);
    }

    /** A private key in PKCS#8 PEM, unencrypted. */
    static String pem(KeyPair key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** The client key in OpenSSH format, encrypted with {@link #PASSPHRASE} (aes256-ctr, bcrypt). */
    String keyOpenSsh() throws IOException, GeneralSecurityException {
        OpenSSHKeyEncryptionContext encryption = new OpenSSHKeyEncryptionContext();
        encryption.setPassword(PASSPHRASE);
        encryption.setCipherName("AES");
        encryption.setCipherType("256");
        encryption.setCipherMode("CTR");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "deploy@test", encryption, out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** An {@code ssh} connection's settings for this server. */
    ConnectionSettings connection(String name, String user, String knownHosts, Map<String, String> secrets) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("host", "127.0.0.1");
        config.put("port", port());
        config.put("username", user);
        config.put("knownHosts", knownHosts);
        return new ConnectionSettings(name, "ssh", config, secrets);
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
