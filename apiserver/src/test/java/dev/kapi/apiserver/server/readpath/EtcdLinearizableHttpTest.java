package dev.kapi.apiserver.server.readpath;

import dev.kapi.apiserver.testing.EtcdExtension;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/** The read path over HTTP on etcd. */
@ExtendWith(EtcdExtension.class)
class EtcdLinearizableHttpTest extends LinearizableHttpTests {

    @Override
    protected List<String> flags() {
        return List.of("--etcd-servers=" + String.join(",", EtcdExtension.endpoints()),
                "--etcd-prefix=" + EtcdExtension.randomPrefix());
    }
}
