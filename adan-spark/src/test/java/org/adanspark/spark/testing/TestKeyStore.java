package org.adanspark.spark.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PKCS#12 key store with one self-signed RSA key for 127.0.0.1, made by the JDK's own {@code keytool} for
 * the tests that run Spark's RPC and the data plane under TLS.
 *
 * @param file the key store
 * @param password its password (also the key's)
 */
public record TestKeyStore(Path file, String password) {

    /**
     * Makes a key store in a directory.
     *
     * @param dir where to write {@code adan-test.p12}
     * @return the key store
     * @throws IOException if keytool cannot be run or fails
     */
    public static TestKeyStore create(Path dir) throws IOException {
        Path file = dir.resolve("adan-test.p12");
        String password = "adan-test-password";
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-keyalg", "RSA", "-keysize", "2048",
                "-alias", "adan", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", password, "-keypass", password))
                .redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("keytool failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
        return new TestKeyStore(file, password);
    }

    /**
     * @return Spark settings that turn TLS on for RPC (and so the data plane) with this store as key store and
     *     trust store
     */
    public Map<String, String> sparkTls() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.ssl.rpc.enabled", "true");
        conf.put("spark.ssl.rpc.keyStore", file.toString());
        conf.put("spark.ssl.rpc.keyStorePassword", password);
        conf.put("spark.ssl.rpc.keyPassword", password);
        conf.put("spark.ssl.rpc.keyStoreType", "PKCS12");
        conf.put("spark.ssl.rpc.trustStore", file.toString());
        conf.put("spark.ssl.rpc.trustStorePassword", password);
        conf.put("spark.ssl.rpc.trustStoreType", "PKCS12");
        return conf;
    }
}
