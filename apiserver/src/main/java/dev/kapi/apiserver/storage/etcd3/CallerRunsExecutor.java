package dev.kapi.apiserver.storage.etcd3;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The executor jetcd starts its unary calls (get, put, txn) on: the calling thread itself. Starting a gRPC
 * call only queues it on the channel's event loop, so it needs no thread of its own; jetcd's default, a
 * cached thread pool, costs a hand-off between threads on every call. Retries after a back-off run on the
 * thread of jetcd's retry scheduler.
 */
final class CallerRunsExecutor extends AbstractExecutorService {

    private volatile boolean shutdown;

    @Override
    public void execute(Runnable command) {
        command.run();
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
        return shutdown;
    }
}
