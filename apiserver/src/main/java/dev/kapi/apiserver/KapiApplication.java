package dev.kapi.apiserver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts Kapi. Flags use kube-apiserver's names: {@code --etcd-servers}, {@code --secure-port}, ... */
@SpringBootApplication
public class KapiApplication {

    public static void main(String[] args) {
        SpringApplication.run(KapiApplication.class, FlagArgs.normalize(args));
    }
}
