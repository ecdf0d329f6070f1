package dev.kimen.broker;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.projection.run.FilesDir;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a run with brokered bindings sets up around its command: the proxy, the trust bundle that
 * adds the run's CA to the system's (0600, in the run's files dir, removed with it), and the
 * variables that point the command's HTTP clients at both. Closing it ends the proxy.
 */
public final class BrokerRun implements AutoCloseable {
    /** Debian's (and most distributions') bundle of the system's trusted CAs. */
    static final List<Path> SYSTEM_BUNDLES = List.of(Path.of("/etc/ssl/certs/ca-certificates.crt"),
            Path.of("/etc/pki/tls/certs/ca-bundle.crt"), Path.of("/etc/ssl/cert.pem"));
    static final String BUNDLE = ".kimen-broker/ca-bundle.pem";
    private static final List<String> PROXY_VARIABLES = List.of("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY",
            "https_proxy", "http_proxy", "all_proxy");
    private static final List<String> CA_VARIABLES = List.of("SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE",
            "NODE_EXTRA_CA_CERTS", "GIT_SSL_CAINFO");

    private final BrokerProxy proxy;

    private BrokerRun(BrokerProxy proxy) {
        this.proxy = proxy;
    }

    /**
     * Starts the proxy for {@code brokered}, writes the trust bundle into {@code files} and sets
     * the command's variables in {@code env}.
     *
     * @param upstreamCa a CA the user trusts for the brokered hosts beside the system's (a
     *                   corporate proxy's), or null
     */
    public static BrokerRun start(List<BrokerProxy.Brokered> brokered, BrokerProxy.Egress egress, Path upstreamCa,
                                  FilesDir files, Map<String, String> env, BrokerProxy.Events events) {
        Path systemFile = SYSTEM_BUNDLES.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        byte[] system = systemFile == null ? null : read(systemFile); // read once: the command's bundle and the proxy's trust
        List<Certificate> extra = upstreamCa == null ? List.of() : certificates(read(upstreamCa), upstreamCa.toString()); // fails here
        var proxy = BrokerProxy.start(brokered, egress, () -> upstreamTrust(system, extra), events);
        try {
            String bundle = (system == null ? "" : new String(system, StandardCharsets.UTF_8) + "\n") + proxy.caPem();
            Path path = files.write(BUNDLE, SecretBytes.ofUtf8(bundle));
            for (String name : PROXY_VARIABLES) {
                env.put(name, proxy.url());
            }
            for (String name : CA_VARIABLES) {
                env.put(name, path.toString());
            }
            env.put("NODE_USE_ENV_PROXY", "1"); // Node 24's fetch honours the proxy variables only so
            for (String name : List.of("NO_PROXY", "no_proxy")) {
                if (env.get(name) instanceof String list) {
                    env.put(name, withoutBrokered(list, brokered));
                }
            }
            return new BrokerRun(proxy);
        } catch (RuntimeException e) {
            proxy.close();
            throw e instanceof KimenException k ? k : KimenException.of(Reason.IO_ERROR,
                    "cannot set up the broker: " + e.getMessage());
        }
    }

    /**
     * A NO_PROXY list without what would let a brokered host bypass the proxy: {@code *}, the
     * host itself, or a domain it is in.
     */
    static String withoutBrokered(String list, List<BrokerProxy.Brokered> brokered) {
        var kept = new ArrayList<String>();
        for (String raw : list.split(",")) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            String domain = entry.startsWith("*.") ? entry.substring(2) : entry.startsWith(".") ? entry.substring(1) : entry;
            int colon = domain.lastIndexOf(':');
            String host = colon > 0 && domain.indexOf(':') == colon ? domain.substring(0, colon) : domain;
            boolean bypasses = entry.equals("*") || brokered.stream().flatMap(b -> b.hosts().endpoints().stream())
                    .anyMatch(e -> e.host().equals(host) || e.host().endsWith("." + host));
            if (!entry.isEmpty() && !bypasses) {
                kept.add(raw.strip());
            }
        }
        return String.join(",", kept);
    }

    /** TLS to the brokered hosts: verified against the system's CAs ({@code system}, PEM; else the JDK's) plus {@code extra}. */
    static SSLContext upstreamTrust(byte[] system, List<Certificate> extra) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        var anchors = new ArrayList<Certificate>(extra);
        if (system != null) {
            anchors.addAll(certificates(system, "the system's CA bundle"));
        } else {
            KeyStore jdk = KeyStore.getInstance(KeyStore.getDefaultType());
            try (InputStream in = Files.newInputStream(Path.of(System.getProperty("java.home"), "lib/security/cacerts"))) {
                jdk.load(in, null);
            }
            for (String alias : java.util.Collections.list(jdk.aliases())) {
                anchors.add(jdk.getCertificate(alias));
            }
        }
        for (int i = 0; i < anchors.size(); i++) {
            store.setCertificateEntry("ca-" + i, anchors.get(i));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw KimenException.of(Reason.CONFIG_NOT_FOUND, "no CA file at " + file);
        } catch (IOException e) {
            throw KimenException.of(Reason.IO_ERROR, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The certificates in PEM text read from {@code from}; none, or text that is not certificates, is an error naming it. */
    static List<Certificate> certificates(byte[] pem, String from) {
        try {
            List<Certificate> found = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(pem)));
            if (found.isEmpty()) {
                throw KimenException.of(Reason.INVALID_VALUE, from + " holds no certificate");
            }
            return found;
        } catch (GeneralSecurityException e) {
            throw KimenException.of(Reason.INVALID_VALUE, "cannot read certificates from " + from + ": " + e.getMessage());
        }
    }

    /** The proxy's loopback port. */
    public int port() {
        return proxy.port();
    }

    @Override
    public void close() {
        proxy.close();
    }
}
