package org.adanspark.spark.checkpoint;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.adanspark.io.CorruptCheckpointException;

/**
 * A checkpoint's {@code training.json} (docs/CHECKPOINTS.md): the run's position and the parameters file's
 * size and checksum. Its schema is here and only here: {@link #toJson} writes every field and
 * {@link #parse} reads every field back, next to each other.
 *
 * @param position the run's position
 * @param paramsBytes the size of {@code params.bin}
 * @param paramsSha256 the SHA-256 of {@code params.bin}
 */
public record TrainingManifest(TrainingCheckpoint position, long paramsBytes, String paramsSha256) {

    /** The file's name in a checkpoint directory. */
    public static final String FILE = "training.json";
    /** The format identifier it carries. */
    public static final String FORMAT = "adan-spark-training-checkpoint";
    /** The format version this build writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** The parameters' file beside it. */
    public static final String PARAMS_FILE = "params.bin";
    /** The optimizer state's directory beside it. */
    public static final String OPTIMIZER_DIR = "optimizer";

    /** @return the file's text: formatted JSON, one field per line */
    public String toJson() {
        TrainingCheckpoint p = position;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("format_version", FORMAT_VERSION);
        m.put("step", p.step());
        m.put("epoch", p.epoch());
        m.put("step_in_epoch", p.stepInEpoch());
        m.put("seed", p.seed());
        m.put("global_batch", p.globalBatch());
        m.put("model_sha256", p.modelSha256());
        m.put("optimizer", p.optimizer());
        m.put("num_params", p.numParams());
        m.put("data", p.data());
        m.put("data_rows", p.dataRows());
        m.put("skipped_steps", p.skippedSteps());
        m.put("compute_threads", p.computeThreads());
        m.put("partitions", p.partitions());
        m.put("blas_kernel", p.blasKernel());
        m.put("params_file", PARAMS_FILE);
        m.put("params_bytes", paramsBytes);
        m.put("params_sha256", paramsSha256);
        m.put("optimizer_dir", OPTIMIZER_DIR);
        return ConfigValueFactory.fromMap(m).render(ConfigRenderOptions.concise().setFormatted(true)) + "\n";
    }

    /**
     * Reads the file's text. Fields added after version 1 was first written ({@code compute_threads},
     * {@code partitions}, {@code blas_kernel}) may be absent: 0, 0 and "" mean "unknown", which a resume does
     * not check.
     *
     * @param json the file's text
     * @param file the file, for messages
     * @return the manifest
     * @throws CorruptCheckpointException when it is not JSON, not this format and version, or lacks a field
     */
    public static TrainingManifest parse(String json, String file) throws CorruptCheckpointException {
        try {
            Config m = ConfigFactory.parseString(json, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
            if (!FORMAT.equals(m.getString("format")) || m.getInt("format_version") != FORMAT_VERSION) {
                throw new CorruptCheckpointException(file + " is not a version-" + FORMAT_VERSION + " " + FORMAT);
            }
            TrainingCheckpoint position = new TrainingCheckpoint(m.getLong("step"), m.getInt("epoch"),
                    m.getInt("step_in_epoch"), m.getLong("seed"), m.getInt("global_batch"), m.getString("model_sha256"),
                    m.getString("optimizer"), m.getInt("num_params"), m.getString("data"), m.getLong("data_rows"),
                    m.getLong("skipped_steps"), m.hasPath("compute_threads") ? m.getInt("compute_threads") : 0,
                    m.hasPath("partitions") ? m.getInt("partitions") : 0,
                    m.hasPath("blas_kernel") ? m.getString("blas_kernel") : "");
            return new TrainingManifest(position, m.hasPath("params_bytes") ? m.getLong("params_bytes") : -1,
                    m.getString("params_sha256"));
        } catch (ConfigException e) {
            throw new CorruptCheckpointException(file + ": " + e.getMessage());
        }
    }
}
