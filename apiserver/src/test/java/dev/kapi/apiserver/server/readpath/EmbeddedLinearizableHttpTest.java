package dev.kapi.apiserver.server.readpath;

import java.util.List;

/** The read path over HTTP on the embedded store. */
class EmbeddedLinearizableHttpTest extends LinearizableHttpTests {

    @Override
    protected List<String> flags() {
        return List.of();
    }
}
