package org.nd4j.nativeblas;

/**
 * A compatibility shim for DL4J 1.0.0-M2.1, not an ND4J class: DL4J's oneDNN layer helpers
 * ({@code BaseMKLDNNHelper.mklDnnEnabled()}) look up {@code org.nd4j.nativeblas.Nd4jCpu$Environment} and
 * its {@code isUseMKLDNN()} by reflection, but nd4j-native M2.1 moved that class to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and renamed the method
 * {@code isUseONEDNN()}. Without this class the lookup fails and every convolution and pooling layer runs
 * DL4J's own im2col path even in an oneDNN build of ND4J. This class answers the old lookup with the new
 * method. See docs/ARCHITECTURE.md, "Executor compute".
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    /** The old name of ND4J's native environment, as DL4J's helpers ask for it. */
    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        /** @return the one instance, as the native class's {@code getInstance()} */
        public static Environment getInstance() {
            return INSTANCE;
        }

        /**
         * @return whether the loaded libnd4j build uses oneDNN (the renamed {@code isUseONEDNN()}); false when
         *     the CPU backend is not loaded (DL4J asks only on the CPU backend)
         */
        public boolean isUseMKLDNN() {
            try { // by name: under -Pcuda the CPU bindings are not on the classpath
                Class<?> bindings = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object environment = bindings.getMethod("getInstance").invoke(null);
                return (Boolean) bindings.getMethod("isUseONEDNN").invoke(environment);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
