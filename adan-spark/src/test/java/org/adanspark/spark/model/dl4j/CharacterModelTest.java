package org.adanspark.spark.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.adanspark.spark.model.ModelSpec;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The character model's layers: causal, deterministic from their seed, and faithful to DL4J's JSON. */
class CharacterModelTest {

    private static final int VOCABULARY = 11;
    private static final int LENGTH = 8;

    private static MultiLayerNetwork network(ModelSpec.CharLm.Body body, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(
                CharacterModel.configuration(VOCABULARY, LENGTH, body, 2, 8, 2, seed)));
        net.init();
        return net;
    }

    private static INDArray ids(float... ids) {
        return Nd4j.create(ids, new long[] {1, LENGTH}, 'c');
    }

    @Test
    void aPositionSeesOnlyTheTokensUpToItself() {
        for (ModelSpec.CharLm.Body body : ModelSpec.CharLm.Body.values()) {
            MultiLayerNetwork net = network(body, 5);
            INDArray a = net.output(ids(1, 2, 3, 4, 5, 6, 7, 8), false).dup();
            INDArray b = net.output(ids(1, 2, 3, 4, 5, 9, 7, 8), false).dup(); // position 5 changed
            for (int t = 0; t < LENGTH; t++) {
                INDArray at = a.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                        org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(t));
                INDArray bt = b.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                        org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(t));
                if (t < 5) {
                    assertEquals(at, bt, body + ": position " + t + " must not see position 5");
                } else {
                    assertNotEquals(at, bt, body + ": position " + t + " must see position 5");
                }
            }
        }
    }

    @Test
    void theInitialWeightsComeFromTheSeedAndSurviveJson() {
        MultiLayerNetwork net = network(ModelSpec.CharLm.Body.ATTENTION, 7);
        assertEquals(net.params(), network(ModelSpec.CharLm.Body.ATTENTION, 7).params());
        assertNotEquals(net.params(), network(ModelSpec.CharLm.Body.ATTENTION, 8).params());
        String json = net.getLayerWiseConfigurations().toJson();
        MultiLayerNetwork back = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
        back.init(net.params().dup(), false);
        INDArray x = ids(3, 1, 4, 1, 5, 9, 2, 6);
        assertEquals(net.output(x, false), back.output(x, false));
        assertEquals(json, back.getLayerWiseConfigurations().toJson());
    }

    @Test
    void aBlockNeedsAWidthItsHeadsDivide() {
        assertThrows(IllegalArgumentException.class, () -> new CausalTransformerBlock(10, 4, 8, 1));
        assertThrows(IllegalArgumentException.class, () -> new CausalTransformerBlock(8, 2, 0, 1));
    }
}
