package io.caravan.runtime.connections;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/** The kinds of connection, each with the settings it needs and the fields that are secret. */
public enum ConnectionKind {
    JDBC(Set.of("url"), Set.of("username"), Set.of("password")),
    SFTP(Set.of("host", "username"), Set.of("port", "knownHosts"), Set.of("password", "privateKey", "passphrase")),
    SSH(Set.of("host", "username"), Set.of("port", "knownHosts"), Set.of("password", "privateKey", "passphrase")),
    S3(Set.of("endpoint", "bucket"), Set.of("region", "accessKey"), Set.of("secretKey")),
    HTTP(Set.of("base_url"), Set.of("headers", "ca"), Set.of("token", "password", "username")),
    WINRM(Set.of("host", "username"), Set.of("port", "https", "ca"), Set.of("password"));

    private final Set<String> required;
    private final Set<String> optional;
    private final Set<String> secrets;

    ConnectionKind(Set<String> required, Set<String> optional, Set<String> secrets) {
        this.required = required;
        this.optional = optional;
        this.secrets = secrets;
    }

    public Set<String> required() {
        return required;
    }

    public Set<String> optional() {
        return optional;
    }

    public Set<String> secrets() {
        return secrets;
    }

    public String type() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind written {@code type}, or null. */
    public static ConnectionKind of(String type) {
        return Arrays.stream(values()).filter(k -> k.type().equals(type)).findFirst().orElse(null);
    }
}
