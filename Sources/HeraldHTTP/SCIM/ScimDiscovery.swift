import HeraldCore

/// The discovery documents (RFC 7644 §4): ServiceProviderConfig, ResourceTypes and Schemas, built from the same
/// schema definitions that the normalizer, filters and PATCH use.
enum ScimDiscovery {
    static let maxOperations = 1000
    static let defaultPageSize = 100

    static func serviceProviderConfig(baseURL: String, maxPayloadSize: Int) -> [String: JSONValue] {
        [
            "schemas": [.string(ScimURN.serviceProviderConfig)],
            "patch": ["supported": true],
            "bulk": [
                "supported": true, "maxOperations": .number(Double(maxOperations)),
                "maxPayloadSize": .number(Double(maxPayloadSize)),
            ],
            "filter": ["supported": true, "maxResults": .number(Double(ScimListQuery.maxCount))],
            "changePassword": ["supported": false],
            "sort": ["supported": true],
            "etag": ["supported": true],
            "pagination": [
                "cursor": true, "index": true, "defaultPaginationMethod": "index",
                "defaultPageSize": .number(Double(defaultPageSize)), "maxPageSize": .number(Double(ScimListQuery.maxCount)),
                "cursorTimeout": 3600,
            ],
            "authenticationSchemes": [
                [
                    "type": "oauthbearertoken", "name": "Bearer token",
                    "description": "A per-organization SCIM token created in Herald's admin API, sent as Authorization: Bearer.",
                    "primary": true,
                ]
            ],
            "meta": [
                "resourceType": "ServiceProviderConfig", "location": .string("\(baseURL)/ServiceProviderConfig"),
            ],
        ]
    }

    static func resourceType(_ type: ScimResourceType, baseURL: String) -> [String: JSONValue] {
        [
            "schemas": [.string(ScimURN.resourceType)],
            "id": .string(type.id), "name": .string(type.id), "endpoint": .string(type.endpoint),
            "description": .string(type.description), "schema": .string(type.schema.id),
            "schemaExtensions": .array(
                type.extensions.map { ["schema": .string($0.id), "required": false] }),
            "meta": ["resourceType": "ResourceType", "location": .string("\(baseURL)/ResourceTypes/\(type.id)")],
        ]
    }

    static func schema(_ schema: ScimSchema, baseURL: String) -> [String: JSONValue] {
        [
            "schemas": [.string(ScimURN.schema)],
            "id": .string(schema.id), "name": .string(schema.name), "description": .string(schema.description),
            "attributes": .array(schema.attributes.map(attribute)),
            "meta": ["resourceType": "Schema", "location": .string("\(baseURL)/Schemas/\(schema.id)")],
        ]
    }

    private static func attribute(_ attribute: ScimAttribute) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(attribute.name), "type": .string(attribute.type.rawValue),
            "multiValued": .bool(attribute.multiValued), "description": .string(attribute.description),
            "required": .bool(attribute.required), "caseExact": .bool(attribute.caseExact),
            "mutability": .string(attribute.mutability.rawValue), "returned": .string(attribute.returned.rawValue),
            "uniqueness": .string(attribute.uniqueness.rawValue),
        ]
        if !attribute.canonicalValues.isEmpty {
            object["canonicalValues"] = .array(attribute.canonicalValues.map { .string($0) })
        }
        if !attribute.referenceTypes.isEmpty {
            object["referenceTypes"] = .array(attribute.referenceTypes.map { .string($0) })
        }
        if !attribute.subAttributes.isEmpty {
            object["subAttributes"] = .array(attribute.subAttributes.map(Self.attribute))
        }
        return .object(object)
    }
}
