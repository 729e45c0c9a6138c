import Foundation
import HeraldCore
import HeraldStorage
import Testing

/// The store answers filters from SQL where the indexed columns allow and by evaluation elsewhere; both must give
/// exactly what ``ScimFilterEvaluator`` says about each resource. Every filter below is checked against the
/// evaluator run over every stored user, and an inexact mixture is checked too.
@Suite("SCIM filters in the store")
struct ScimFilterStoreTests {
    static let users: [JSONValue] = [
        [
            "schemas": [.string(ScimURN.user)], "userName": "BJensen@example.com", "externalId": "ext-1",
            "displayName": "Babs Jensen", "active": true, "title": "Tour Guide",
            "emails": [["value": "bjensen@example.com", "type": "work", "primary": true], ["value": "babs@home.example", "type": "home"]],
            "name": ["givenName": "Barbara", "familyName": "Jensen"],
        ],
        [
            "schemas": [.string(ScimURN.user)], "userName": "jsmith", "displayName": "John [*?] Smith", "active": false,
            "emails": [["value": "JSMITH@Example.org", "type": "work"]],
        ],
        [
            "schemas": [.string(ScimURN.user)], "userName": "alice", "externalId": "EXT-1",
            "emails": [["value": "alice@example.com", "type": "home"]],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": ["department": "R&D", "employeeNumber": "42"],
        ],
        ["schemas": [.string(ScimURN.user)], "userName": "bob"],
    ]

    static let filters = [
        #"userName eq "bjensen@example.com""#, #"USERNAME EQ "BJENSEN@EXAMPLE.COM""#, #"userName ne "bob""#,
        #"userName sw "b""#, #"userName ew "SMITH""#, #"userName co "ens""#, #"externalId eq "ext-1""#,
        #"externalId eq "EXT-1""#, #"externalId pr"#, #"not (externalId pr)"#, #"externalId ne "ext-1""#,
        #"displayName co "[*?]""#, #"displayName sw "john [""#, #"displayName pr"#, #"active eq true"#,
        #"active eq false"#, #"active ne true"#, #"active pr"#, #"emails.value eq "jsmith@example.org""#,
        #"emails eq "alice@example.com""#, #"emails co "example.com""#, #"emails.value sw "babs""#, #"emails pr"#,
        #"emails[type eq "work" and value co "example"]"#, #"emails[type eq "home"]"#,
        #"emails[type eq "work"].value eq "bjensen@example.com""#, #"title pr"#, #"title eq "tour guide""#,
        #"name.givenName sw "bar""#, #"userName eq "bob" or active eq false"#,
        #"(userName sw "a" or userName sw "b") and not (emails pr)"#, #"not (active eq true) and userName pr"#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "r&d""#,
        #"meta.lastModified gt "2000-01-01T00:00:00Z""#, #"meta.created lt "2000-01-01T00:00:00Z""#,
        #"meta.created ge "2000-01-01T00:00:00Z" and userName gt "b""#, #"id pr"#,
    ]

    @Test("every filter gives what the evaluator says, in creation order", arguments: filters)
    func filterMatchesTheEvaluator(text: String) async throws {
        let fixture = try Fixture()
        let (organization, _, _) = try await fixture.organization()
        let principal = ScimPrincipal(
            tokenId: "t", tokenPrefix: "hscim_test", orgId: organization.id, organizationStatus: .active, maxUsers: nil)
        var stored: [ScimStoredResource] = []
        for user in Self.users {
            let attributes = try ScimResourceNormalizer(.user).normalize(try #require(user.objectValue))
            stored.append(
                try await fixture.store.createScimResource(
                    principal, type: .user, attributes: attributes, members: [], actor: .system))
        }
        let filter = try ScimFilterParser.parse(text)
        let expected = try stored.filter {
            try ScimFilterEvaluator.matches(filter, ScimResourceRenderer.render($0, baseURL: nil), type: .user)
        }.map(\.id)
        let page = try await fixture.store.listScimResources(
            orgId: organization.id, type: .user, ScimListQuery(filter: filter, count: 100))
        #expect(page.resources.map(\.id) == expected, "\(text)")
        #expect(page.totalResults == expected.count, "\(text)")
    }

    @Test("another organization's users are never found")
    func filtersStayInTheirOrganization() async throws {
        let fixture = try Fixture()
        let (a, _, _) = try await fixture.organization(slug: "org-a", ownerEmail: "a@example.com")
        let (b, _, _) = try await fixture.organization(slug: "org-b", ownerEmail: "b@example.com")
        let principal = ScimPrincipal(
            tokenId: "t", tokenPrefix: "hscim_test", orgId: b.id, organizationStatus: .active, maxUsers: nil)
        let attributes = try ScimResourceNormalizer(.user).normalize(try #require(Self.users[0].objectValue))
        let user = try await fixture.store.createScimResource(
            principal, type: .user, attributes: attributes, members: [], actor: .system)
        for text in [#"userName eq "bjensen@example.com""#, "id eq \"\(user.id)\"", #"title pr"#, #"emails pr"#] {
            let page = try await fixture.store.listScimResources(
                orgId: a.id, type: .user, ScimListQuery(filter: try ScimFilterParser.parse(text)))
            #expect(page.totalResults == 0 && page.resources.isEmpty, "\(text)")
        }
        #expect(try await fixture.store.scimResource(orgId: a.id, type: .user, id: user.id, includeMembers: false) == nil)
    }
}
