package org.adanspark.spark.model;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * The bytes of a model definition file ({@code json:PATH}, {@code torchscript:PATH}) from any Hadoop file
 * system, as the data, the checkpoints and the saved model are read and written: a local path, {@code file:},
 * {@code hdfs://}, {@code s3a://}, … — so a driver in a cluster's container (YARN or Kubernetes cluster mode)
 * reads the definition where the job's other files are. The file system's settings are the active Spark
 * session's ({@code spark.hadoop.*}), or Hadoop's defaults outside one.
 */
public final class DefinitionFile {

    private DefinitionFile() {
    }

    /**
     * @param spec the definition
     * @return the file's bytes
     * @throws IOException when it cannot be read (a missing file names its path)
     */
    public static byte[] read(ModelSpec.Definition spec) throws IOException {
        Path path = new Path(spec.path());
        FileSystem fs = path.getFileSystem(hadoopConfiguration());
        try (InputStream in = fs.open(path)) {
            return in.readAllBytes();
        }
    }

    private static Configuration hadoopConfiguration() {
        Option<SparkSession> session = SparkSession.getActiveSession();
        return session.isDefined() ? session.get().sparkContext().hadoopConfiguration() : new Configuration();
    }
}
