package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;

import java.util.Random;

/** What a shutdown race does to etcd while the server or storage closes: kill it, freeze it, restart it, or nothing. */
public enum EtcdFate {
    KILLED, FROZEN, RESTARTED, UNTOUCHED;

    public static EtcdFate random(Random random) {
        return values()[random.nextInt(values().length)];
    }

    /** Does this to {@code etcd} when run (on a thread of the race's choosing). */
    public Runnable on(LocalEtcdProcess etcd) {
        return () -> {
            switch (this) {
                case KILLED -> etcd.kill();
                case FROZEN -> etcd.pause();
                case RESTARTED -> etcd.restart();
                case UNTOUCHED -> { }
            }
        };
    }
}
