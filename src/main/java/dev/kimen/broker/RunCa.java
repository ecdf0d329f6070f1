package dev.kimen.broker;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority that lives as long as one run, in memory only (its private key never
 * touches disk): the command trusts it for the brokered hosts, whose TLS the proxy ends to swap
 * the placeholder for the value. Its name constraints permit only those hosts, so even a leaked
 * key could not vouch for any other site; it is valid for a day. Certificates are EC P-256.
 */
public final class RunCa {
    private static final Duration LIFETIME = Duration.ofDays(1);
    private final KeyPair key;
    private final X509Certificate certificate;
    private final SecureRandom random;
    private final Map<String, SSLContext> contexts = new HashMap<>();

    private RunCa(KeyPair key, X509Certificate certificate, SecureRandom random) {
        this.key = key;
        this.certificate = certificate;
        this.random = random;
    }

    /** A new CA that may sign for {@code hosts} only. */
    public static RunCa forHosts(Collection<String> hosts, SecureRandom random) {
        try {
            KeyPair key = ecKey(random);
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=kimen run CA " + Long.toHexString(random.nextLong()) + ",O=kimen");
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(random),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(LIFETIME)), name, key.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            GeneralSubtree[] permitted = hosts.stream().distinct()
                    .map(h -> new GeneralSubtree(new GeneralName(GeneralName.dNSName, h))).toArray(GeneralSubtree[]::new);
            builder.addExtension(Extension.nameConstraints, true, new NameConstraints(permitted, null));
            return new RunCa(key, sign(builder, key), random);
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot make the run's CA: " + e.getMessage(), e);
        }
    }

    /** The CA certificate in PEM, for the command's trust bundle. */
    public String pem() {
        var text = new java.io.StringWriter();
        try (var pem = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(text)) {
            pem.writeObject(certificate);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    /** A server-side TLS context presenting a certificate for {@code host}, signed by this CA. */
    public synchronized SSLContext serverContext(String host) {
        return contexts.computeIfAbsent(host, h -> {
            try {
                KeyPair leafKey = ecKey(random);
                Instant now = Instant.now();
                var builder = new JcaX509v3CertificateBuilder(certificate, serial(random),
                        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(LIFETIME)),
                        new X500Name("CN=" + h), leafKey.getPublic());
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, h)));
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                X509Certificate leaf = sign(builder, key);
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                char[] none = new char[0];
                store.setKeyEntry("leaf", leafKey.getPrivate(), none, new X509Certificate[] {leaf, certificate});
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, none);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), null, random);
                return context;
            } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
                throw new IllegalStateException("cannot make a certificate for " + h + ": " + e.getMessage(), e);
            }
        });
    }

    private static KeyPair ecKey(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}
