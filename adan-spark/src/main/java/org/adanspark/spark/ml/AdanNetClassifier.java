package org.adanspark.spark.ml;

import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.data.LabelKind;
import org.adanspark.spark.model.Objective;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A neural-network classifier trained by adan-spark's synchronous large-batch trainer: executors sum
 * minibatch gradients, an all-reduce forms the global batch, the driver applies Adan (or a baseline) over
 * sharded state. A Spark ML {@code Estimator}: it fits in a {@code Pipeline}, is tuned by
 * {@code CrossValidator} over a {@code ParamGridBuilder} grid, and saves with {@code write().save(path)}.
 *
 * <pre>{@code
 * AdanNetClassifier clf = new AdanNetClassifier()
 *         .setHiddenLayers(new int[] {64})
 *         .setOptimizer("adan").setLearningRate(0.01)
 *         .setGlobalBatchSize(4096).setMaxEpochs(5);
 * AdanNetClassificationModel model = clf.fit(train);   // label: class indices 0, 1, … as doubles
 * model.transform(test).select("prediction", "probability");
 * }</pre>
 *
 * <p>Labels are class indices stored as doubles, as {@code StringIndexer} writes them; the number of
 * classes is taken from the label column's metadata, else the largest label + 1. A row with a missing,
 * non-finite or fractional label, or a non-finite feature, stops {@code fit} with a message naming the
 * column and showing the row. Defaults are the CLI's ({@code reference.conf}).
 */
public final class AdanNetClassifier
        extends ProbabilisticClassifier<Vector, AdanNetClassifier, AdanNetClassificationModel>
        implements AdanNetTrainingParams<AdanNetClassifier>, DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private String uid;
    private AdanNetParamSet paramSet;

    /** A classifier with a fresh uid and the default params. */
    public AdanNetClassifier() {
        this(StageUid.stash(null));
    }

    /**
     * @param uid the uid (as Spark's copy and load pass it)
     */
    public AdanNetClassifier(String uid) {
        this(StageUid.stash(uid));
    }

    private AdanNetClassifier(StageUid.Stashed stashed) {
        uid();
        paramSet = new AdanNetParamSet(this);
        setAdanNetDefaults();
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = StageUid.take("adanNetClassifier");
        }
        return uid;
    }

    @Override
    public AdanNetParamSet adanNetParamSet() {
        return paramSet;
    }

    /**
     * Trains the network; called by {@code fit}, which has checked the schema and cast the label to double.
     *
     * @param dataset the training data
     * @return the model
     */
    @Override
    public AdanNetClassificationModel train(Dataset<?> dataset) {
        AdanNetFitter.Fitted fitted = AdanNetFitter.fit(this, dataset, getFeaturesCol(), getLabelCol(),
                LabelKind.CLASS_INDEX, classesFromMetadata(dataset), AdanNetClassifier::objective);
        AdanNetClassificationModel model = new AdanNetClassificationModel(uid(), fitted.network());
        model.setSummary(fitted.summary());
        return copyValues(model, ParamMap.empty());
    }

    private static Objective objective(BlockDataset data) {
        return Objective.classification(data.numClasses());
    }

    private int classesFromMetadata(Dataset<?> dataset) {
        Attribute attr = Attribute.fromStructField(dataset.schema().apply(getLabelCol()));
        if (attr instanceof BinaryAttribute) {
            return 2;
        }
        if (attr instanceof NominalAttribute nominal && nominal.getNumValues().isDefined()) {
            return (Integer) nominal.getNumValues().get();
        }
        return 0;
    }

    @Override
    public AdanNetClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** @return a reader of saved classifiers */
    public static MLReader<AdanNetClassifier> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * @param path where {@code write().save(path)} put a classifier
     * @return the classifier
     */
    public static AdanNetClassifier load(String path) {
        return read().load(path);
    }

    /** Spark's explanation, readable: array values shown, the optimizer's real defaults where they depend on it. */
    @Override
    public String explainParam(Param<?> param) {
        return explainReadably(param);
    }

    /**
     * Spark's schema check, with an {@code array<float>} or {@code array<double>} features column accepted as
     * a vector ({@link FeaturesColumn}).
     *
     * @param schema the input schema
     * @return the output schema
     */
    @Override
    public StructType transformSchema(StructType schema) {
        return FeaturesColumn.transformSchema(schema, getFeaturesCol(), s -> super.transformSchema(s));
    }
}
