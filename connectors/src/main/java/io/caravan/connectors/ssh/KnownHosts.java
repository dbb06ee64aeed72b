package io.caravan.connectors.ssh;

import io.caravan.job.step.StepException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Strict host key checking against a connection's {@code knownHosts} text (OpenSSH
 * {@code known_hosts} lines, hashed host names, {@code [host]:port}, {@code @revoked} and
 * {@code @cert-authority} markers). MINA's own verifier does the matching; this class only feeds it
 * the lines from memory instead of a file, never adds or updates a line, and remembers why a key
 * was refused so the step can say so: a key that is not listed, a key that changed, a revoked key.
 */
final class KnownHosts extends KnownHostsServerKeyVerifier {

    private final List<HostEntryPair> loaded;
    private final String target;
    private volatile String refusal;

    private KnownHosts(List<HostEntryPair> entries, String target) {
        // the path is never read: checkReloadRequired is false and the entries are set here
        super(RejectAllServerKeyVerifier.INSTANCE, Path.of("knownHosts"));
        setLoadedHostsEntries(entries);
        this.loaded = entries;
        this.target = target;
    }

    /**
     * A verifier for the lines of {@code text}; blank text knows no host, so every key is refused.
     *
     * @param target the host and port connected to, for messages
     * @throws StepException (type {@code ssh.config}) naming the line that cannot be read
     */
    static KnownHosts of(String text, String target) throws StepException {
        List<HostEntryPair> entries = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new StringReader(text == null ? "" : text))) {
            int number = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                String trimmed = line.trim();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                HostEntryPair entry = entry(trimmed, number);
                if (entry != null) {
                    entries.add(entry);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("reading a string", e);
        }
        return new KnownHosts(entries, target);
    }

    /** A line's entry; null for a key type this client does not know, which no server key it accepts can match. */
    private static HostEntryPair entry(String line, int number) throws StepException {
        try {
            KnownHostEntry entry = KnownHostEntry.parseKnownHostEntry(line);
            if (entry == null || entry.getKeyEntry() == null) {
                throw new IllegalArgumentException("no host key");
            }
            PublicKey key = entry.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
            return key == null ? null : new HostEntryPair(entry, key);
        } catch (RuntimeException | IOException | GeneralSecurityException e) {
            throw new StepException("ssh.config", "knownHosts line " + number + " is not a known_hosts line"
                    + " ('host key-type base64-key', as ssh-keyscan prints): " + e.getMessage(), false);
        }
    }

    /**
     * The key types ({@code ssh-rsa}, {@code ssh-ed25519}, ...) knownHosts lists for a host: the
     * client asks for these first, as OpenSSH does, so a server with several host keys shows one
     * that can be checked rather than one knownHosts does not hold.
     */
    List<String> keyTypes(String host, int port) {
        List<String> types = new ArrayList<>();
        for (HostEntryPair pair : loaded) {
            KnownHostEntry entry = pair.getHostEntry();
            if (entry.getMarker() == null && entry.isHostMatch(host, port)) {
                types.add(KeyUtils.getKeyType(pair.getServerKey()));
            }
        }
        return types;
    }

    /** Why the server's key was refused, or null when it was not. */
    String refusal() {
        return refusal;
    }

    @Override
    public boolean checkReloadRequired() {
        return false;
    }

    @Override
    protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey key) {
        refusal = "the host key of " + target + " (" + describe(key) + ") is not in the connection's"
                + " knownHosts; add the server's line (ssh-keyscan -p PORT HOST) after checking its fingerprint";
        return false;
    }

    @Override
    public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remote, KnownHostEntry entry,
            PublicKey expected, PublicKey actual) {
        refusal = "the host key of " + target + " changed: knownHosts has " + describe(expected)
                + ", the server offered " + describe(actual) + "; refused, as it may be another machine in between";
        return false;
    }

    @Override
    protected void handleRevokedKey(ClientSession session, SocketAddress remote, PublicKey key) {
        refusal = "the host key of " + target + " (" + describe(key) + ") is marked @revoked in knownHosts";
    }

    private static String describe(PublicKey key) {
        return KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
    }
}
