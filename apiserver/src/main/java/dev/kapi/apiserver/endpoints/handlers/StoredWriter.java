package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.audit.AuditContext;
import dev.kapi.apiserver.endpoints.MediaTypes;
import dev.kapi.apiserver.endpoints.Responses;
import dev.kapi.apiserver.registry.ListPage;
import dev.kapi.apiserver.registry.StoredJson;
import dev.kapi.apiserver.registry.StoredObject;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes what a GET or LIST read from storage. A JSON answer of the objects themselves (no Table, no
 * PartialObjectMetadata, no YAML) is written from the stored JSON where {@link StoredObject#json()} can give it,
 * byte for byte what {@link ObjectWriter} writes for the decoded objects, without decoding them; every other
 * answer (and an audit policy that records the response) decodes and goes through {@link ObjectWriter}.
 */
final class StoredWriter {

    private static final int BUFFER = 64 * 1024;

    private StoredWriter() {
    }

    static void writeObject(RequestScope scope, int code, StoredObject<HasMetadata> read) throws IOException {
        StoredJson json = servesJson(scope) ? read.json() : null;
        if (json == null) {
            ObjectWriter.writeObject(scope, code, read.object());
            return;
        }
        Responses.writeJson(scope.request(), scope.response(), code, json.bytes(), read::object);
    }

    static void writeList(RequestScope scope, ListPage<StoredObject<HasMetadata>> page) throws IOException {
        if (!servesJson(scope)) {
            ObjectWriter.writeList(scope, objects(page));
            return;
        }
        // every item first (a custom resource's conversion may fail): an error is then answered as a Status,
        // not after a 200 and half a list
        boolean typed = ObjectWriter.typedItems(scope);
        List<Object> items = new ArrayList<>(page.items().size());
        for (StoredObject<HasMetadata> item : page.items()) {
            StoredJson json = item.json();
            items.add(json != null ? json : ObjectWriter.itemBytes(scope, item.object()));
        }
        AuditContext.of(scope.request()).responseObject(() -> auditedList(scope, page));
        scope.response().setStatus(200);
        scope.response().setContentType(MediaTypes.JSON);
        try (OutputStream out = new Buffer(scope.response().getOutputStream())) {
            out.write(listStart(scope, page));
            boolean first = true;
            for (Object item : items) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                if (item instanceof StoredJson json) {
                    if (typed) {
                        json.writeTo(out);
                    } else {
                        json.writeUntypedTo(out);
                    }
                } else {
                    out.write((byte[]) item);
                }
            }
            out.write(']');
            out.write('}');
        }
    }

    private static boolean servesJson(RequestScope scope) {
        OutputFormat format = OutputFormat.negotiate(scope.request().getHeader("Accept"));
        return format.kind() == OutputFormat.Kind.OBJECT && !format.yaml();
    }

    /** {@code {"kind":…,"apiVersion":…,"metadata":{…},"items":[} as Jackson writes it. */
    private static byte[] listStart(RequestScope scope, ListPage<?> page) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        JsonGenerator g = Json.MAPPER.createGenerator(buf); // not closed: closing would end the array and object
        g.writeStartObject();
        g.writeStringProperty("kind", scope.definition().listKind());
        g.writeStringProperty("apiVersion", scope.definition().apiVersion());
        g.writeName("metadata");
        g.writeTree(ObjectWriter.listMeta(page));
        g.writeArrayPropertyStart("items");
        g.flush();
        return buf.toByteArray();
    }

    private static ObjectNode auditedList(RequestScope scope, ListPage<StoredObject<HasMetadata>> page) {
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("kind", scope.definition().listKind());
        list.put("apiVersion", scope.definition().apiVersion());
        list.set("metadata", ObjectWriter.listMeta(page));
        ArrayNode items = list.putArray("items");
        page.items().forEach(o -> items.add(ObjectWriter.item(scope, o.object())));
        return list;
    }

    /**
     * A buffer that, unlike {@link java.io.BufferedOutputStream}, never flushes the response before closing it:
     * a list that fits the servlet's own buffer then goes out with a Content-Length, as before.
     */
    private static final class Buffer extends OutputStream {
        private final OutputStream out;
        private final byte[] buf = new byte[BUFFER];
        private int n;

        Buffer(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (n == buf.length) {
                drain();
            }
            buf[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > buf.length - n) {
                drain();
                if (len > buf.length) {
                    out.write(b, off, len);
                    return;
                }
            }
            System.arraycopy(b, off, buf, n, len);
            n += len;
        }

        private void drain() throws IOException {
            if (n > 0) {
                out.write(buf, 0, n);
                n = 0;
            }
        }

        @Override
        public void close() throws IOException {
            drain();
            out.close();
        }
    }

    static ListPage<HasMetadata> objects(ListPage<StoredObject<HasMetadata>> page) {
        List<HasMetadata> items = new ArrayList<>(page.items().size());
        page.items().forEach(o -> items.add(o.object()));
        return new ListPage<>(items, page.resourceVersion(), page.continueToken(), page.remainingItemCount());
    }
}
