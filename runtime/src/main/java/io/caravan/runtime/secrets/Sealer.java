package io.caravan.runtime.secrets;

import io.caravan.runtime.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM under the master key: a fresh 96-bit nonce per seal, and a label (the secret's or
 * connection's name) as associated data, so a ciphertext moved to another row does not open.
 */
public final class Sealer {

    private final MasterKey key;
    private final SecureRandom random = new SecureRandom();

    /** @param key the master key, or null when none is configured (then nothing can be sealed or opened) */
    public Sealer(MasterKey key) {
        this.key = key;
    }

    /** A sealed value: its nonce, ciphertext and the id of the key that sealed it. */
    public record Sealed(byte[] nonce, byte[] ciphertext, String keyId) {
    }

    public Sealed seal(String label, String plaintext) {
        MasterKey k = key();
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        return new Sealed(nonce, crypt(Cipher.ENCRYPT_MODE, k, nonce, label, plaintext.getBytes(StandardCharsets.UTF_8)),
                k.id());
    }

    public String open(String label, Sealed sealed) {
        MasterKey k = key();
        if (!k.id().equals(sealed.keyId())) {
            throw new IllegalStateException("'" + label + "' was sealed with master key " + sealed.keyId()
                    + ", not the configured " + k.id());
        }
        return new String(crypt(Cipher.DECRYPT_MODE, k, sealed.nonce(), label, sealed.ciphertext()), StandardCharsets.UTF_8);
    }

    private MasterKey key() {
        if (key == null) {
            throw new ApiException(503, "Service Unavailable", "no master key is configured: set CARAVAN_MASTER_KEY"
                    + " (32 bytes, base64) on every node to use secrets", null);
        }
        return key;
    }

    private static byte[] crypt(int mode, MasterKey key, byte[] nonce, String label, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key.key(), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(label.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("'" + label + "' cannot be " + (mode == Cipher.ENCRYPT_MODE
                    ? "encrypted" : "decrypted (wrong master key, or the row was altered)"), e);
        }
    }
}
