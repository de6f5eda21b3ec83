package dev.kapi.apiserver.storage;

/**
 * The function {@link Storage#guaranteedUpdate} applies to the current value. It may run several times
 * (once per lost compare-and-swap), so it must have no side effects beyond computing the new value.
 */
@FunctionalInterface
public interface UpdateFunction {

    /**
     * @param current the current entry, or null when the key is absent and the caller allowed that
     * @return the new value to store; returning the current bytes unchanged writes nothing
     */
    byte[] apply(KeyValue current);
}
