import Foundation
import HeraldCore
@testable import HeraldHTTP
import Hummingbird
import Testing

/// The admin router and docs/openapi.yaml describe the same routes, and the binary serves the committed document.
@Suite struct OpenAPIContractTests {
    static let documentURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.yaml")

    /// `METHOD /path/{param}` for every operation of the document (a line scan of the `paths:` block).
    static func documentedRoutes(_ yaml: String) -> Set<String> {
        var routes = Set<String>()
        var inPaths = false
        var currentPath: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if let first = line.first, first != " ", first != "#" { break }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path = currentPath {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if line.hasSuffix(":"), methods.contains(String(key)) { routes.insert("\(key.uppercased()) \(path)") }
            }
        }
        return routes
    }

    /// `METHOD /path/{param}` for every route of the admin router.
    static func routerRoutes() async throws -> Set<String> {
        let api = try await TestAPI()
        let router = HeraldRouters.admin(api.dependencies)
        return Set(router.routes.map { route in
            let path = route.path.description.split(separator: "/").map { part in
                part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
            }
            return "\(route.method.rawValue) /" + path.joined(separator: "/")
        })
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let yaml = try String(contentsOf: Self.documentURL, encoding: .utf8)
        let documented = Self.documentedRoutes(yaml)
        let served = try await Self.routerRoutes()
        #expect(documented.count > 40)
        #expect(served.subtracting(documented).sorted() == [], "routes without a spec entry")
        #expect(documented.subtracting(served).sorted() == [], "spec entries without a route")
    }

    @Test func theBinaryServesTheCommittedDocument() throws {
        let yaml = try String(contentsOf: Self.documentURL, encoding: .utf8)
        #expect(
            OpenAPIDocument.yaml.trimmingCharacters(in: .newlines) == yaml.trimmingCharacters(in: .newlines),
            "run scripts/embed-openapi.sh (make embed) after changing docs/openapi.yaml")
    }
}
