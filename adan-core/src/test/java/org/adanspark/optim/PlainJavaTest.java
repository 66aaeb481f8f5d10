package org.adanspark.optim;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** adan-core is plain Java: the optimizers need neither DL4J nor ND4J (their bridge is adan-dl4j). */
class PlainJavaTest {

    @Test
    void neitherDl4jNorNd4jIsOnTheClasspath() {
        for (String name : new String[] {"org.nd4j.linalg.factory.Nd4j", "org.deeplearning4j.nn.api.Model",
                "org.bytedeco.javacpp.Loader"}) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(name, false, getClass().getClassLoader()), name);
        }
    }
}
