package dev.kapi.apiserver.endpoints;

import dev.kapi.apiserver.endpoints.decoding.GoJson;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.jsonFormatVisitors.JsonFormatVisitorWrapper;
import tools.jackson.databind.jsonFormatVisitors.JsonObjectFormatVisitor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The properties Jackson reads and writes for a Java type, as the decoder's mapper sees them (its format
 * visitor): name → declared type. Empty for a type Jackson does not treat as an object with properties.
 */
final class JacksonProperties {

    private JacksonProperties() {
    }

    static Map<String, JavaType> of(JavaType type) {
        Map<String, JavaType> out = new LinkedHashMap<>();
        GoJson.MAPPER.acceptJsonFormatVisitor(type, new JsonFormatVisitorWrapper.Base() {
            @Override
            public JsonObjectFormatVisitor expectObjectFormat(JavaType t) {
                return new JsonObjectFormatVisitor.Base(getContext()) {
                    @Override
                    public void property(BeanProperty p) {
                        out.put(p.getName(), p.getType());
                    }

                    @Override
                    public void optionalProperty(BeanProperty p) {
                        out.put(p.getName(), p.getType());
                    }
                };
            }
        });
        return out;
    }
}
