import Foundation

/// Where a filter's attribute names resolve: a resource type's attributes (with `schemas` and the common ones), or
/// the sub-attributes of the elements of one complex attribute (inside `[ ]`, or a group's member rows).
enum FilterScope {
    case resource(ScimResourceType)
    case element(ScimAttribute)

    /// `schemas`, which no schema lists but every rendered resource has and `schemas eq "urn:…"` filters on.
    static let schemasAttribute = ScimAttribute(
        "schemas", .reference, multiValued: true, mutability: .readOnly, returned: .always,
        description: "The URNs of the schemas the resource has.")

    /// The attribute a filter path compares or tests. With `comparing`, a complex attribute without a named
    /// sub-attribute stands for its `value` sub-attribute when it has one (`emails eq "x"`, `manager eq "id"`).
    /// - Throws: 400 `invalidFilter` for a name this scope does not define.
    func operand(_ path: ScimAttributePath, comparing: Bool) throws(ScimError) -> FilterOperand {
        var operand = try top(path)
        if let name = path.subAttribute {
            guard operand.attribute.type == .complex, let sub = operand.attribute.subAttribute(name) else {
                throw .badRequest(.invalidFilter, "\(operand.display) has no sub-attribute \(name)")
            }
            operand.sub = sub
        } else if comparing, operand.attribute.type == .complex, let value = operand.attribute.subAttribute("value") {
            operand.sub = value
        }
        return operand
    }

    /// The complex attribute before `[ ]` in a value path. - Throws: 400 `invalidFilter`.
    func valuePathContainer(_ path: ScimAttributePath) throws(ScimError) -> FilterOperand {
        if case .element(let container) = self {
            throw .badRequest(.invalidFilter, "value paths cannot nest (inside \(container.name)[ ])")
        }
        let operand = try top(path)
        guard path.subAttribute == nil, operand.attribute.type == .complex else {
            throw .badRequest(.invalidFilter, "\(path)[ ] needs a complex attribute before the brackets")
        }
        return operand
    }

    private func top(_ path: ScimAttributePath) throws(ScimError) -> FilterOperand {
        switch self {
        case .resource(let type):
            if path.schema == nil, path.attribute.equalsIgnoringASCIICase("schemas") {
                return FilterOperand(keys: ["schemas"], attribute: Self.schemasAttribute, name: "schemas")
            }
            guard let resolved = type.resolve(schema: path.schema, attribute: path.attribute) else {
                throw .badRequest(.invalidFilter, "\(type.id) has no attribute \(path)")
            }
            let display = resolved.schemaURN.map { "\($0):\(resolved.attribute.name)" } ?? resolved.attribute.name
            return FilterOperand(keys: resolved.keys, attribute: resolved.attribute, name: display)
        case .element(let container):
            guard path.schema == nil, let attribute = container.subAttribute(path.attribute) else {
                throw .badRequest(.invalidFilter, "\(container.name) has no sub-attribute \(path)")
            }
            let name = "\(container.name).\(attribute.name)"
            return FilterOperand(keys: [attribute.name], attribute: attribute, name: name)
        }
    }
}

/// A resolved attribute reference of a filter: where its values are and which attribute's type governs them.
struct FilterOperand {
    /// The keys from the evaluated object to the attribute (`["name"]`, `[enterprise URN, "manager"]`).
    var keys: [String]
    var attribute: ScimAttribute
    /// The sub-attribute compared in each value of `attribute`, if any.
    var sub: ScimAttribute?
    /// The attribute's canonical name (URN-qualified for an extension's), for error messages.
    var name: String

    init(keys: [String], attribute: ScimAttribute, name: String) {
        self.keys = keys
        self.attribute = attribute
        self.name = name
    }

    /// The canonical name of what is compared, for error messages.
    var display: String { sub.map { "\(name).\($0.name)" } ?? name }

    /// The attribute whose type and `caseExact` apply to the compared values.
    var compared: ScimAttribute { sub ?? attribute }

    /// The values to test, flattened over a multi-valued attribute's elements, without `null`s.
    func values(in object: [String: JSONValue]) -> [JSONValue] {
        var current: JSONValue = .object(object)
        for key in keys {
            guard case .object(let fields) = current, let next = fields.scimField(key) else { return [] }
            current = next
        }
        let elements: [JSONValue]
        if case .array(let array) = current { elements = array } else { elements = [current] }
        guard let sub else { return elements.filter { $0 != .null } }
        var values: [JSONValue] = []
        for element in elements {
            guard case .object(let fields) = element, let value = fields.scimField(sub.name) else { continue }
            if case .array(let array) = value { values += array } else { values.append(value) }
        }
        return values.filter { $0 != .null }
    }
}

/// How one attribute expression holds over an attribute's values.
enum FilterComparison {
    /// Whether `values op literal` holds (`values` already flattened, `null`s removed).
    static func holds(
        _ values: [JSONValue], _ comparison: ScimCompareOperator, _ literal: ScimFilterValue,
        as attribute: ScimAttribute
    ) -> Bool {
        if literal == .null {
            let present = values.contains(where: isNonEmpty)
            return comparison == .eq ? !present : present
        }
        if comparison == .ne {
            return values.isEmpty || values.contains { !compare($0, .eq, literal, as: attribute) }
        }
        return values.contains { compare($0, comparison, literal, as: attribute) }
    }

    /// RFC 7644 `pr`: a value that is not `null`, `""`, `[]`, or an object or array without such values.
    static func isNonEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: false
        case .string(let text): !text.isEmpty
        case .array(let elements): elements.contains(where: isNonEmpty)
        case .object(let fields): fields.values.contains(where: isNonEmpty)
        case .bool, .number: true
        }
    }

    /// One value against the literal; a value of the wrong type never matches.
    private static func compare(
        _ value: JSONValue, _ comparison: ScimCompareOperator, _ literal: ScimFilterValue, as attribute: ScimAttribute
    ) -> Bool {
        switch attribute.type {
        case .boolean:
            guard case .bool(let flag) = value, case .bool(let wanted) = literal else { return false }
            return order(flag ? 1 : 0, wanted ? 1 : 0, comparison)
        case .dateTime:
            guard case .string(let text) = value, let date = Timestamp.parse(text),
                case .string(let wantedText) = literal, let wanted = Timestamp.parse(wantedText)
            else { return false }
            return order(date, wanted, comparison)
        case .integer, .decimal:
            guard case .number(let number) = value, case .number(let wanted) = literal else { return false }
            return order(number, wanted, comparison)
        case .string, .reference, .binary, .complex:
            guard case .string(var text) = value, case .string(var wanted) = literal else { return false }
            if !attribute.caseExact {
                text = text.lowercased()
                wanted = wanted.lowercased()
            }
            switch comparison {
            case .co: return wanted.isEmpty || text.contains(wanted)
            case .sw: return text.hasPrefix(wanted)
            case .ew: return text.hasSuffix(wanted)
            default: return order(text, wanted, comparison)
            }
        }
    }

    private static func order<T: Comparable>(_ value: T, _ wanted: T, _ comparison: ScimCompareOperator) -> Bool {
        switch comparison {
        case .eq: value == wanted
        case .ne: value != wanted
        case .gt: value > wanted
        case .ge: value >= wanted
        case .lt: value < wanted
        case .le: value <= wanted
        case .co, .sw, .ew: false
        }
    }
}
