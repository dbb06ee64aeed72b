package io.caravan.runtime.tls;

import io.caravan.runtime.config.CaravanConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The key material of the API's HTTPS, read once at start: a PEM certificate chain
 * ({@code CARAVAN_TLS_CERT}, the server's certificate first) with its unencrypted PKCS#8 key
 * ({@code CARAVAN_TLS_KEY}), or a PKCS#12 keystore ({@code CARAVAN_TLS_KEYSTORE} and
 * {@code CARAVAN_TLS_KEYSTORE_PASSWORD}). Every problem — a file that cannot be read, a key in
 * another format, a key that is not the certificate's — is an {@link IllegalArgumentException}
 * naming the variable, so the node stops before anything else starts.
 */
public final class ServerTls {

    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final String ALIAS = "caravan";

    private ServerTls() {
    }

    /** Camel's SSL parameters for platform-http's server. */
    public static SSLContextParameters parameters(CaravanConfig.Tls tls) {
        if (!tls.enabled()) {
            throw new IllegalArgumentException("no certificate is configured");
        }
        char[] password;
        KeyStore store;
        if (tls.keystore() != null) {
            password = tls.keystorePassword() == null ? new char[0] : tls.keystorePassword().toCharArray();
            store = keystore(tls.keystore(), password);
        } else {
            // a throw-away password: the in-memory store never leaves this process
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            password = Base64.getEncoder().encodeToString(random).toCharArray();
            store = fromPem(tls.cert(), tls.key(), password);
        }
        KeyStoreParameters keys = new KeyStoreParameters();
        keys.setKeyStore(store);
        KeyManagersParameters managers = new KeyManagersParameters();
        managers.setKeyStore(keys);
        managers.setKeyPassword(new String(password));
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setKeyManagers(managers);
        return parameters;
    }

    private static KeyStore keystore(Path file, char[] password) {
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (IOException e) {
            // a wrong password shows as an IOException whose cause is UnrecoverableKeyException
            throw new IllegalArgumentException(e instanceof java.nio.file.NoSuchFileException
                    || e instanceof java.nio.file.AccessDeniedException
                    ? "CARAVAN_TLS_KEYSTORE: cannot read " + file + " (" + e.getClass().getSimpleName() + ")"
                    : "CARAVAN_TLS_KEYSTORE: cannot open " + file + " as PKCS#12 with CARAVAN_TLS_KEYSTORE_PASSWORD: "
                            + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("CARAVAN_TLS_KEYSTORE: cannot open " + file + ": " + e.getMessage(), e);
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return store;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("CARAVAN_TLS_KEYSTORE: cannot list " + file + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("CARAVAN_TLS_KEYSTORE: " + file + " holds no private key");
    }

    private static KeyStore fromPem(Path certFile, Path keyFile, char[] password) {
        List<? extends Certificate> chain = chain(certFile);
        PrivateKey key = key(keyFile);
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException("CARAVAN_TLS_KEY: " + keyFile + " is not the key of the certificate in"
                    + " CARAVAN_TLS_CERT (" + certFile + "; its first certificate must be the server's)");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, password, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the key store: " + e.getMessage(), e);
        }
    }

    private static List<? extends Certificate> chain(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<? extends Certificate> chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("CARAVAN_TLS_CERT: " + file + " holds no certificate"
                        + " (-----BEGIN CERTIFICATE-----)");
            }
            return chain;
        } catch (IOException e) {
            throw new IllegalArgumentException("CARAVAN_TLS_CERT: cannot read " + file + " (" + e.getClass().getSimpleName()
                    + ")", e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("CARAVAN_TLS_CERT: " + file + " is not PEM certificates: " + e.getMessage(), e);
        }
    }

    private static PrivateKey key(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("CARAVAN_TLS_KEY: cannot read " + file + " (" + e.getClass().getSimpleName()
                    + ")", e);
        }
        Matcher pem = PEM_KEY.matcher(text);
        if (!pem.find()) {
            throw new IllegalArgumentException("CARAVAN_TLS_KEY: " + file + " holds no unencrypted PKCS#8 key"
                    + " (-----BEGIN PRIVATE KEY-----)" + (text.contains("-----BEGIN ") ? "; convert it with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in <key> -out <key>.pk8'" : ""));
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.group(1));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException notThisOne) {
                // the PKCS#8 envelope names its algorithm; try the next factory until one takes it
            }
        }
        throw new IllegalArgumentException("CARAVAN_TLS_KEY: " + file + " is not an RSA, EC or EdDSA PKCS#8 key");
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, PublicKey certified) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA sign as themselves
        };
        try {
            byte[] probe = "caravan".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an EC key with an RSA certificate
        }
    }
}
