package io.caravan.runtime.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.runtime.TestCertificates;
import io.caravan.runtime.config.CaravanConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS and S3 encryption settings: what starts, and what is refused with the variable named. */
class ServerTlsTest {

    @TempDir
    Path dir;

    @Test
    void aPkcs12KeystoreOrAPemPairGiveTheServerItsCertificate() throws Exception {
        TestCertificates certs = TestCertificates.make(dir);
        CaravanConfig.Tls keystore = config(Map.of("CARAVAN_TLS_KEYSTORE", certs.keystore().toString(),
                "CARAVAN_TLS_KEYSTORE_PASSWORD", TestCertificates.PASSWORD)).tls();
        CaravanConfig.Tls pem = config(Map.of("CARAVAN_TLS_CERT", certs.cert().toString(),
                "CARAVAN_TLS_KEY", certs.key().toString())).tls();
        for (CaravanConfig.Tls tls : new CaravanConfig.Tls[] {keystore, pem}) {
            X509KeyManager keys = (X509KeyManager) ServerTls.parameters(tls).getKeyManagers().createKeyManagers()[0];
            String alias = keys.chooseServerAlias("EC", null, null);
            assertThat(alias).as(tls.toString()).isNotNull();
            assertThat(keys.getCertificateChain(alias)[0].getEncoded()).isEqualTo(
                    java.security.cert.CertificateFactory.getInstance("X.509")
                            .generateCertificate(Files.newInputStream(certs.cert())).getEncoded());
        }
    }

    @Test
    void unusableKeyMaterialIsRefusedNamingTheVariable() throws Exception {
        TestCertificates certs = TestCertificates.make(dir);
        TestCertificates other = TestCertificates.make(dir, "other");
        assertThatThrownBy(() -> ServerTls.parameters(config(Map.of("CARAVAN_TLS_KEYSTORE", certs.keystore().toString(),
                "CARAVAN_TLS_KEYSTORE_PASSWORD", "wrong")).tls()))
                .hasMessageStartingWith("CARAVAN_TLS_KEYSTORE: cannot open").hasMessageContaining("PASSWORD");
        assertThatThrownBy(() -> ServerTls.parameters(config(Map.of("CARAVAN_TLS_CERT", certs.cert().toString(),
                "CARAVAN_TLS_KEY", other.key().toString())).tls()))
                .hasMessageStartingWith("CARAVAN_TLS_KEY:").hasMessageContaining("is not the key of the certificate");
        Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> ServerTls.parameters(config(Map.of("CARAVAN_TLS_CERT", certs.cert().toString(),
                "CARAVAN_TLS_KEY", pkcs1.toString())).tls()))
                .hasMessageStartingWith("CARAVAN_TLS_KEY:").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> ServerTls.parameters(config(Map.of("CARAVAN_TLS_CERT", certs.key().toString(),
                "CARAVAN_TLS_KEY", certs.key().toString())).tls()))
                .hasMessageStartingWith("CARAVAN_TLS_CERT:");
    }

    @Test
    void settingsThatDoNotFitTogetherAreRefusedAtOnce() {
        assertThatThrownBy(() -> config(Map.of("CARAVAN_TLS_REQUIRED", "true")))
                .hasMessageContaining("CARAVAN_TLS_REQUIRED is true, but no certificate is given");
        assertThatThrownBy(() -> config(Map.of("CARAVAN_TLS_CERT", "cert.pem")))
                .hasMessageContaining("CARAVAN_TLS_CERT is set, the other is not");
        assertThatThrownBy(() -> config(Map.of("CARAVAN_TLS_REQUIRED", "yes"))).hasMessageContaining("true or false");
        assertThatThrownBy(() -> config(Map.of("CARAVAN_S3_SSE", "AES256")))
                .hasMessageContaining("the embedded one does not");
        Map<String, String> external = Map.of("CARAVAN_S3_ENDPOINT", "http://s3.internal:9000");
        assertThatThrownBy(() -> config(with(external, "CARAVAN_S3_SSE", "aws:kms")))
                .hasMessageContaining("needs CARAVAN_S3_SSE_KMS_KEY");
        assertThatThrownBy(() -> config(with(with(external, "CARAVAN_S3_SSE", "aws:kms"), "CARAVAN_S3_SSE_KMS_KEY", "k1")))
                .hasMessageContaining("needs an https CARAVAN_S3_ENDPOINT");
        assertThatThrownBy(() -> config(with(external, "CARAVAN_S3_SSE", "SSE-C"))).hasMessageContaining("AES256 or aws:kms");
        assertThat(config(with(external, "CARAVAN_S3_SSE", "AES256")).s3Encryption()).isEqualTo("AES256");
        assertThat(config(Map.of()).tls().enabled()).isFalse();
    }

    private static Map<String, String> with(Map<String, String> values, String key, String value) {
        Map<String, String> all = new HashMap<>(values);
        all.put(key, value);
        return all;
    }

    private CaravanConfig config(Map<String, String> values) {
        return CaravanConfig.from(with(values, "CARAVAN_DATA_DIR", dir.toString()));
    }
}
