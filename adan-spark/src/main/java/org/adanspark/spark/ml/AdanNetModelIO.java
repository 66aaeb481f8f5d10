package org.adanspark.spark.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BiFunction;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import scala.Option;

/**
 * Saving and loading AdanNet models: Spark's standard {@code metadata/} (class, uid, params as JSON, as
 * every MLlib stage writes it) and a {@code data/} directory holding the {@link TrainedNetwork} in its
 * documented binary form, never Java serialization. Both models use it, so a saved model is read by
 * {@code Model.load(path)} and inside a {@code PipelineModel} alike.
 */
final class AdanNetModelIO {

    private AdanNetModelIO() {
    }

    /**
     * @param model the model's params
     * @param network its network
     * @return a writer of both
     */
    static MLWriter writer(Params model, TrainedNetwork network) {
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sparkSession());
                try {
                    network.save(new Path(path, "data"), sc().hadoopConfiguration());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot save " + model.uid() + " to " + path + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /**
     * @param type the model class
     * @param create builds a model from its uid and network
     * @param <M> the model type
     * @return a reader restoring the network, then the params from the metadata
     */
    static <M extends Params> MLReader<M> reader(Class<M> type, BiFunction<String, TrainedNetwork, M> create) {
        return new MLReader<>() {
            @Override
            public M load(String path) {
                DefaultParamsReader.Metadata metadata =
                        DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), type.getName());
                TrainedNetwork network;
                try {
                    network = TrainedNetwork.load(new Path(path, "data"), sc().hadoopConfiguration());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot load a " + type.getSimpleName() + " from " + path + ": "
                            + e.getMessage(), e);
                }
                M model = create.apply(metadata.uid(), network);
                metadata.getAndSetParams(model, Option.empty());
                return model;
            }
        };
    }
}
