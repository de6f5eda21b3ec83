package dev.kapi.apiserver.endpoints.openapi;

/**
 * Field numbers of the gnostic {@code openapi.v2} messages (google/gnostic-models
 * {@code openapiv2/OpenAPIv2.proto}) that {@link SwaggerProtobuf} writes, named {@code MESSAGE_FIELD}.
 */
final class GnosticFields {

    // message Document
    static final int DOCUMENT_SWAGGER = 1;
    static final int DOCUMENT_INFO = 2;
    static final int DOCUMENT_PATHS = 8;
    static final int DOCUMENT_DEFINITIONS = 9;
    static final int DOCUMENT_SECURITY = 12;
    static final int DOCUMENT_SECURITY_DEFINITIONS = 13;
    // message Info
    static final int INFO_TITLE = 1;
    static final int INFO_VERSION = 2;
    // message Paths / NamedPathItem (name = 1, value = 2, as every Named* message)
    static final int PATHS_PATH = 2;
    static final int NAMED_NAME = 1;
    static final int NAMED_VALUE = 2;
    // message PathItem
    static final int PATH_ITEM_GET = 2;
    static final int PATH_ITEM_PUT = 3;
    static final int PATH_ITEM_POST = 4;
    static final int PATH_ITEM_DELETE = 5;
    static final int PATH_ITEM_PATCH = 8;
    static final int PATH_ITEM_PARAMETERS = 9;
    // message Operation
    static final int OPERATION_DESCRIPTION = 3;
    static final int OPERATION_OPERATION_ID = 5;
    static final int OPERATION_PRODUCES = 6;
    static final int OPERATION_CONSUMES = 7;
    static final int OPERATION_PARAMETERS = 8;
    static final int OPERATION_RESPONSES = 9;
    static final int OPERATION_SCHEMES = 10;
    static final int OPERATION_VENDOR_EXTENSION = 13;
    // message ParametersItem { Parameter parameter = 1 } / Parameter { body_parameter = 1; non_body_parameter = 2 }
    static final int PARAMETERS_ITEM_PARAMETER = 1;
    static final int PARAMETER_BODY_PARAMETER = 1;
    static final int PARAMETER_NON_BODY_PARAMETER = 2;
    // message NonBodyParameter
    static final int NON_BODY_QUERY = 3;
    static final int NON_BODY_PATH = 4;
    // message BodyParameter
    static final int BODY_DESCRIPTION = 1;
    static final int BODY_NAME = 2;
    static final int BODY_IN = 3;
    static final int BODY_REQUIRED = 4;
    static final int BODY_SCHEMA = 5;
    // messages QueryParameterSubSchema and PathParameterSubSchema (same 1-4, then they differ)
    static final int SUB_REQUIRED = 1;
    static final int SUB_IN = 2;
    static final int SUB_DESCRIPTION = 3;
    static final int SUB_NAME = 4;
    static final int QUERY_TYPE = 6;
    static final int QUERY_UNIQUE_ITEMS = 20;
    static final int PATH_TYPE = 5;
    static final int PATH_UNIQUE_ITEMS = 19;
    // message Responses { repeated NamedResponseValue response_code = 1 } / ResponseValue { Response response = 1 }
    static final int RESPONSES_RESPONSE_CODE = 1;
    static final int RESPONSE_VALUE_RESPONSE = 1;
    // message Response { description = 1; SchemaItem schema = 2 } / SchemaItem { Schema schema = 1 }
    static final int RESPONSE_DESCRIPTION = 1;
    static final int RESPONSE_SCHEMA = 2;
    static final int SCHEMA_ITEM_SCHEMA = 1;
    // message Definitions / Properties / SecurityDefinitions / SecurityRequirement: additional_properties = 1
    static final int ADDITIONAL_PROPERTIES = 1;
    // message Schema
    static final int SCHEMA_REF = 1;
    static final int SCHEMA_FORMAT = 2;
    static final int SCHEMA_TITLE = 3;
    static final int SCHEMA_DESCRIPTION = 4;
    static final int SCHEMA_DEFAULT = 5;
    static final int SCHEMA_MULTIPLE_OF = 6;
    static final int SCHEMA_MAXIMUM = 7;
    static final int SCHEMA_EXCLUSIVE_MAXIMUM = 8;
    static final int SCHEMA_MINIMUM = 9;
    static final int SCHEMA_EXCLUSIVE_MINIMUM = 10;
    static final int SCHEMA_MAX_LENGTH = 11;
    static final int SCHEMA_MIN_LENGTH = 12;
    static final int SCHEMA_PATTERN = 13;
    static final int SCHEMA_MAX_ITEMS = 14;
    static final int SCHEMA_MIN_ITEMS = 15;
    static final int SCHEMA_UNIQUE_ITEMS = 16;
    static final int SCHEMA_MAX_PROPERTIES = 17;
    static final int SCHEMA_MIN_PROPERTIES = 18;
    static final int SCHEMA_REQUIRED = 19;
    static final int SCHEMA_ENUM = 20;
    static final int SCHEMA_ADDITIONAL_PROPERTIES = 21;
    static final int SCHEMA_TYPE = 22;
    static final int SCHEMA_ITEMS = 23;
    static final int SCHEMA_PROPERTIES = 25;
    static final int SCHEMA_VENDOR_EXTENSION = 31;
    // message AdditionalPropertiesItem { Schema schema = 1; bool boolean = 2 }
    static final int ADDITIONAL_PROPERTIES_SCHEMA = 1;
    static final int ADDITIONAL_PROPERTIES_BOOLEAN = 2;
    // message TypeItem / StringArray { repeated string value = 1 }, ItemsItem { repeated Schema schema = 1 }
    static final int STRING_LIST_VALUE = 1;
    static final int ITEMS_ITEM_SCHEMA = 1;
    // message SecurityDefinitionsItem { ApiKeySecurity api_key_security = 2 }
    static final int SECURITY_ITEM_API_KEY = 2;
    // message ApiKeySecurity
    static final int API_KEY_TYPE = 1;
    static final int API_KEY_NAME = 2;
    static final int API_KEY_IN = 3;
    static final int API_KEY_DESCRIPTION = 4;
    // message Any { google.protobuf.Any value = 1; string yaml = 2 }
    static final int ANY_YAML = 2;

    private GnosticFields() {
    }
}
