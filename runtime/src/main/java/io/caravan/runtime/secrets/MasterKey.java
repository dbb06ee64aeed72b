package io.caravan.runtime.secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key secrets are encrypted with: {@code CARAVAN_MASTER_KEY} (32 bytes, base64). With the
 * embedded defaults and no key set, one is made once and kept beside the data
 * ({@code <data dir>/master.key}, readable by its owner only); with an external database a key
 * must be given, since a key on one machine's disk would leave the other nodes unable to read.
 * Its id (a hash prefix) is stored with every secret, so a rotation can tell old from new.
 */
public record MasterKey(SecretKey key, String id) {

    /** The key from its base64 text. */
    public static MasterKey of(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CARAVAN_MASTER_KEY must be base64");
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException("CARAVAN_MASTER_KEY must be 32 bytes (AES-256), got " + bytes.length
                    + "; make one with: openssl rand -base64 32");
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return new MasterKey(new SecretKeySpec(bytes, "AES"), HexFormat.of().formatHex(hash, 0, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key kept in {@code file}, made there first if there is none. */
    public static MasterKey kept(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            Files.createDirectories(file.getParent());
            Files.writeString(file, Base64.getEncoder().encodeToString(bytes));
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's own protection is all there is
            }
        }
        return of(Files.readString(file));
    }

    @Override
    public String toString() {
        return "MasterKey[" + id + "]"; // never the key
    }
}
