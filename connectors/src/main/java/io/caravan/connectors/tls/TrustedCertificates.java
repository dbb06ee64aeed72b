package io.caravan.connectors.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * Certificate authorities given as PEM text (one or more {@code BEGIN CERTIFICATE} blocks) that a
 * TLS client trusts instead of the JVM's trust store: a server whose chain does not lead to one of
 * them is refused, and its host name is still checked. There is deliberately no way here to trust
 * every certificate.
 */
public final class TrustedCertificates {

    private TrustedCertificates() {
    }

    /**
     * A trust store holding the certificates of {@code pem}.
     *
     * @param what names the setting the text came from, for the error
     * @throws IllegalArgumentException when the text holds no certificate or one that cannot be read
     */
    public static KeyStore trustStore(String pem, String what) {
        Collection<? extends Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new IllegalArgumentException(what + " is not PEM certificates: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no certificate (-----BEGIN CERTIFICATE-----)");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store: " + e.getMessage(), e);
        }
    }

    /** An SSL context that trusts the certificates of {@code pem} only. */
    public static SSLContext sslContext(String pem, String what) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore(pem, what));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build an SSL context: " + e.getMessage(), e);
        }
    }

    /** Camel's SSL parameters that trust the certificates of {@code pem} only (for camel-http). */
    public static SSLContextParameters parameters(String pem, String what) {
        KeyStoreParameters store = new KeyStoreParameters();
        store.setKeyStore(trustStore(pem, what));
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(store);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setTrustManagers(trust);
        return parameters;
    }
}
