package dev.kapi.apiserver.storage.etcd3;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * jetcd's executor, on which it starts each call (through its retry policy) and runs retries: the task
 * runs on the calling thread, the request's own virtual thread (or the retry timer's). Starting a gRPC
 * call does not block, so this saves two hand-overs to a pool thread on every etcd call.
 */
final class CallerRunsExecutor extends AbstractExecutorService {

    private volatile boolean shutdown;

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
