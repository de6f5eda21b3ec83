package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.storage.Storage;

/**
 * What resource strategies may need beyond their object: the storage (for allocations such as service
 * cluster IPs, kept in storage so several servers never hand out the same one), the key prefix
 * ({@code /registry}) and the service address ranges ({@code --service-cluster-ip-range},
 * {@code --service-node-port-range}).
 */
public record RegistryContext(Storage storage, String keyPrefix, String serviceClusterIpRange,
                              String serviceNodePortRange) {
}
