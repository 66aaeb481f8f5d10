package org.adanspark.spark.config;

import java.util.ArrayList;
import java.util.List;
import org.adanspark.spark.error.ConfigurationException;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.package$;
import org.apache.spark.network.netty.SparkTransportConf;
import org.apache.spark.network.util.TransportConf;
import scala.Option;

/**
 * The barrier execution's data plane's transport settings, taken from Spark's RPC security as Spark's own RPC takes them: TLS under
 * {@code spark.ssl.rpc.enabled} (Spark's {@code SSLOptions}: the {@code spark.ssl.rpc.*} key store, trust store
 * and protocol, defaulting to {@code spark.ssl.*}), authentication under {@code spark.authenticate}, AES under
 * {@code spark.network.crypto.enabled} (which Spark's security manager turns off under TLS). See
 * docs/CLUSTER.md, "Security".
 */
public final class DataPlaneSecurity {

    /** The network module's configuration namespace: {@code spark.adan.io.*}. */
    public static final String MODULE = "adan";

    private DataPlaneSecurity() {
    }

    /**
     * The transport configuration of the data plane in a process.
     *
     * @param conf the application's Spark configuration
     * @param security the process's security manager
     * @return the configuration, TLS included when Spark's RPC has it
     * @throws ConfigurationException when TLS is on but its keys are missing (Spark's transport would refuse
     *     with a message that names no setting)
     */
    public static TransportConf transportConf(SparkConf conf, SecurityManager security) {
        TransportConf transport = SparkTransportConf.fromSparkConf(conf, MODULE, 1, Option.empty(),
                Option.apply(security.getRpcSSLOptions()));
        if (transport.sslRpcEnabled() && !transport.sslRpcEnabledAndKeysAreValid()) {
            throw new ConfigurationException("spark.ssl.rpc.enabled is true but there is no key to serve TLS with: set"
                    + " spark.ssl.rpc.keyStore (found: " + describe(transport.sslRpcKeyStore()) + ") with"
                    + " spark.ssl.rpc.keyStorePassword, or spark.ssl.rpc.privateKey (found: "
                    + describe(transport.sslRpcPrivateKey()) + ") and spark.ssl.rpc.certChain (found: "
                    + describe(transport.sslRpcCertChain()) + "), to files readable on the driver and every executor",
                    null);
        }
        return transport;
    }

    /**
     * Checks, before Spark starts, that the Spark settings a run will start with can secure the data plane.
     *
     * @param conf the settings (spark-submit's and the user's)
     * @throws ConfigurationException naming the setting that is missing or wrong
     */
    public static void check(SparkConf conf) {
        transportConf(conf, new SecurityManager(conf, Option.empty(), package$.MODULE$.AUTH_SECRET_FILE()));
    }

    /**
     * @param transport the data plane's transport configuration
     * @param authenticated whether {@code spark.authenticate} is on
     * @return how the connections are protected, for the run's log: "plain", "TLS, authenticated", …
     */
    public static String describe(TransportConf transport, boolean authenticated) {
        List<String> parts = new ArrayList<>();
        if (transport.sslRpcEnabled()) {
            parts.add("TLS");
        }
        if (authenticated) {
            parts.add(transport.encryptionEnabled() && !transport.sslRpcEnabled()
                    ? "authenticated, AES-encrypted" : "authenticated");
        }
        return parts.isEmpty() ? "plain" : String.join(", ", parts);
    }

    private static String describe(java.io.File file) {
        if (file == null) {
            return "not set";
        }
        return file.isFile() && file.canRead() ? file.toString() : file + ", which cannot be read";
    }
}
