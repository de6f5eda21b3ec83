package dev.kapi.apiserver.server;

import dev.kapi.apiserver.controllers.ControllerManager;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The controllers that run in the server (namespace cleanup, default service accounts, ClusterRole
 * aggregation, PodDisruptionBudget status): clients of the registry, started with the server and stopped, in bounded time, before storage
 * closes.
 */
@Configuration(proxyBeanMethods = false)
public class ControllersConfig {

    @Bean(initMethod = "start", destroyMethod = "close")
    ControllerManager controllerManager(StoreRegistry stores, WritePipeline writes) {
        return new ControllerManager(stores, writes);
    }
}
