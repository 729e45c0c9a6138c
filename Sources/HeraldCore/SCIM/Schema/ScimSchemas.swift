/// The schemas Herald serves: core User (RFC 7643 §4.1), the Enterprise User extension (§4.3) and core Group (§4.2),
/// with the attribute characteristics of §8.7.1. The common attributes (`id`, `externalId`, `meta`, §3.1) are in
/// ``common``; they belong to every resource and are not listed in the schemas' `attributes`.
public enum ScimSchemas {
    public static let user = ScimSchema(
        id: ScimURN.user, name: "User", description: "User Account", attributes: userAttributes)
    public static let enterpriseUser = ScimSchema(
        id: ScimURN.enterpriseUser, name: "EnterpriseUser", description: "Enterprise User",
        attributes: enterpriseAttributes)
    public static let group = ScimSchema(
        id: ScimURN.group, name: "Group", description: "Group", attributes: groupAttributes)

    /// Every schema, for `/Schemas`.
    public static let all = [user, enterpriseUser, group]

    /// `id`, `externalId` and `meta` (RFC 7643 §3.1).
    public static let common: [ScimAttribute] = [
        ScimAttribute(
            "id", caseExact: true, mutability: .readOnly, returned: .always, uniqueness: .server,
            description: "Unique identifier for the resource, assigned by the service provider."),
        ScimAttribute(
            "externalId", caseExact: true,
            description: "Identifier of the resource as defined by the provisioning client."),
        ScimAttribute(
            "meta", .complex, mutability: .readOnly,
            subAttributes: [
                ScimAttribute(
                    "resourceType", caseExact: true, mutability: .readOnly, description: "The resource's type."),
                ScimAttribute("created", .dateTime, mutability: .readOnly, description: "When it was created."),
                ScimAttribute(
                    "lastModified", .dateTime, mutability: .readOnly, description: "When it last changed."),
                ScimAttribute(
                    "location", .reference, caseExact: true, mutability: .readOnly, referenceTypes: ["uri"],
                    description: "The URI of the resource."),
                ScimAttribute(
                    "version", caseExact: true, mutability: .readOnly, description: "The weak entity tag."),
            ], description: "Resource metadata."),
    ]

    // MARK: Building blocks

    private static func multiValued(
        _ name: String, types: [String], valueType: ScimAttributeType = .string, referenceTypes: [String] = [],
        description: String
    ) -> ScimAttribute {
        ScimAttribute(
            name, .complex, multiValued: true,
            subAttributes: [
                ScimAttribute(
                    "value", valueType, caseExact: valueType == .reference || valueType == .binary,
                    referenceTypes: referenceTypes, description: "The value."),
                ScimAttribute("display", description: "A human-readable name, for display only."),
                ScimAttribute("type", canonicalValues: types, description: "A label for the value's function."),
                ScimAttribute("primary", .boolean, description: "Whether this is the primary value."),
            ], description: description)
    }

    private static let userAttributes: [ScimAttribute] = [
        ScimAttribute(
            "userName", required: true, uniqueness: .server,
            description: "Unique identifier for the User, typically used to sign in."),
        ScimAttribute(
            "name", .complex,
            subAttributes: [
                ScimAttribute("formatted", description: "The full name, formatted for display."),
                ScimAttribute("familyName", description: "The family name."),
                ScimAttribute("givenName", description: "The given name."),
                ScimAttribute("middleName", description: "The middle name(s)."),
                ScimAttribute("honorificPrefix", description: "The honorific prefix(es), e.g. 'Ms.'."),
                ScimAttribute("honorificSuffix", description: "The honorific suffix(es), e.g. 'III'."),
            ], description: "The components of the user's real name."),
        ScimAttribute("displayName", description: "The name of the User, suitable for display."),
        ScimAttribute("nickName", description: "The casual way to address the user."),
        ScimAttribute(
            "profileUrl", .reference, referenceTypes: ["external"], description: "A URI of the user's profile."),
        ScimAttribute("title", description: "The user's title, such as 'Vice President'."),
        ScimAttribute("userType", description: "The relationship to the organization, e.g. 'Employee'."),
        ScimAttribute("preferredLanguage", description: "The preferred written or spoken language."),
        ScimAttribute("locale", description: "The default location, for localizing items."),
        ScimAttribute("timezone", description: "The time zone in the IANA database format."),
        ScimAttribute("active", .boolean, description: "The user's administrative status."),
        ScimAttribute(
            "password", caseExact: true, mutability: .writeOnly, returned: .never,
            description: "The user's cleartext password; never returned and never stored by Herald."),
        multiValued("emails", types: ["work", "home", "other"], description: "Email addresses for the user."),
        multiValued(
            "phoneNumbers", types: ["work", "home", "mobile", "fax", "pager", "other"],
            description: "Phone numbers for the User."),
        multiValued(
            "ims", types: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
            description: "Instant messaging addresses for the User."),
        multiValued(
            "photos", types: ["photo", "thumbnail"], valueType: .reference, referenceTypes: ["external"],
            description: "URLs of images of the user."),
        ScimAttribute(
            "addresses", .complex, multiValued: true,
            subAttributes: [
                ScimAttribute("formatted", description: "The full mailing address, formatted for display."),
                ScimAttribute("streetAddress", description: "The full street address."),
                ScimAttribute("locality", description: "The city or locality."),
                ScimAttribute("region", description: "The state or region."),
                ScimAttribute("postalCode", description: "The zip code or postal code."),
                ScimAttribute("country", description: "The country name (ISO 3166-1 alpha-2)."),
                ScimAttribute("type", canonicalValues: ["work", "home", "other"], description: "The address's kind."),
                ScimAttribute("primary", .boolean, description: "Whether this is the primary address."),
            ], description: "Physical mailing addresses for this User."),
        ScimAttribute(
            "groups", .complex, multiValued: true, mutability: .readOnly,
            subAttributes: [
                ScimAttribute(
                    "value", caseExact: true, mutability: .readOnly, description: "The id of the Group."),
                ScimAttribute(
                    "$ref", .reference, caseExact: true, mutability: .readOnly, referenceTypes: ["User", "Group"],
                    description: "The URI of the Group."),
                ScimAttribute("display", mutability: .readOnly, description: "The Group's displayName."),
                ScimAttribute(
                    "type", mutability: .readOnly, canonicalValues: ["direct", "indirect"],
                    description: "Direct or indirect membership."),
            ], description: "The groups the user belongs to."),
        multiValued("entitlements", types: [], description: "Entitlements of the User."),
        multiValued("roles", types: [], description: "Roles of the User."),
        multiValued(
            "x509Certificates", types: [], valueType: .binary, description: "X.509 certificates of the User."),
    ]

    private static let enterpriseAttributes: [ScimAttribute] = [
        ScimAttribute("employeeNumber", description: "Numeric or alphanumeric identifier assigned to a person."),
        ScimAttribute("costCenter", description: "Identifies the name of a cost center."),
        ScimAttribute("organization", description: "Identifies the name of an organization."),
        ScimAttribute("division", description: "Identifies the name of a division."),
        ScimAttribute("department", description: "Identifies the name of a department."),
        ScimAttribute(
            "manager", .complex,
            subAttributes: [
                ScimAttribute("value", caseExact: true, description: "The id of the SCIM resource of the manager."),
                ScimAttribute(
                    "$ref", .reference, caseExact: true, referenceTypes: ["User"],
                    description: "The URI of the manager's SCIM resource."),
                ScimAttribute("displayName", mutability: .readOnly, description: "The manager's displayName."),
            ], description: "The User's manager."),
    ]

    private static let groupAttributes: [ScimAttribute] = [
        ScimAttribute(
            "displayName", required: true, uniqueness: .server, description: "A human-readable name for the Group."),
        ScimAttribute(
            "members", .complex, multiValued: true,
            subAttributes: [
                ScimAttribute(
                    "value", caseExact: true, mutability: .immutable, description: "The id of the member."),
                ScimAttribute(
                    "$ref", .reference, caseExact: true, mutability: .immutable, referenceTypes: ["User", "Group"],
                    description: "The URI of the member."),
                ScimAttribute("display", mutability: .immutable, description: "The member's display name."),
                ScimAttribute(
                    "type", mutability: .immutable, canonicalValues: ["User", "Group"],
                    description: "The member's resource type."),
            ], description: "A list of members of the Group."),
    ]
}
