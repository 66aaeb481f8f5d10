package org.adanspark.spark.model.torch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;

/**
 * The executor's loaded modules, by model and purpose: a task borrows one, and gives it back when its
 * replica closes, so a module is loaded once per concurrent task rather than once per step. At most
 * {@value #KEEP} idle modules of one key are kept.
 */
final class ModulePool {

    private static final int KEEP = 4;
    private static final Map<String, ConcurrentLinkedDeque<TorchModule>> IDLE = new ConcurrentHashMap<>();

    private ModulePool() {
    }

    /**
     * @param key the model and purpose
     * @param load loads a new module when none is idle
     * @return a module only the caller uses until {@link #release}
     */
    static TorchModule borrow(String key, Supplier<TorchModule> load) {
        TorchModule m = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).pollFirst();
        return m != null ? m : load.get();
    }

    /**
     * @param key the key it was borrowed under
     * @param module the module, idle again
     */
    static void release(String key, TorchModule module) {
        ConcurrentLinkedDeque<TorchModule> idle = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
        if (idle.size() < KEEP) {
            idle.addFirst(module);
        } else {
            module.close();
        }
    }
}
