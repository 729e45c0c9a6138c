import Foundation
import HeraldCore
import Hummingbird
import Testing

/// Concurrent identity-provider traffic: directory writes share group-commit transactions, and each request must
/// still succeed or fail on its own (uniqueness, the tier's user limit, membership changes and their events).
@Suite struct ScimConcurrencyTests {
    @Test func concurrentCreatesAreEachAllOrNothing() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("acme")
            // 20 userNames, each sent twice (the second time in another case) at the same time.
            let statuses = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let name = "user\(index % 20)@acme.example"
                        let body = ScimHarness.userBody(index < 20 ? name : name.uppercased())
                        return (name, try await h.scim(.post, "/Users", token: org.token, body).status)
                    }
                }
                var all: [(String, Int)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(statuses.filter { $0.1 == 201 }.count == 20)
            #expect(statuses.filter { $0.1 == 409 }.count == 20)
            let byName = Dictionary(grouping: statuses, by: \.0)
            #expect(byName.values.allSatisfy { Set($0.map(\.1)) == [201, 409] })
            let list = try await h.list("/Users", token: org.token, query: "count=100")
            #expect(list.totalResults == 20)
            #expect(Set(list.resources.compactMap { ($0["userName"] as? String)?.lowercased() }).count == 20)
            #expect(try await h.events(org).filter { $0.type == "directory.user.created" }.count == 20)
        }
    }

    @Test func concurrentCreatesRespectTheUserLimit() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("acme", tier: "five", maxUsers: 5)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await h.scim(.post, "/Users", token: org.token,
                                         ScimHarness.userBody("u\(index)@acme.example")).status
                    }
                }
                var all: [Int] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.filter { $0 == 201 }.count == 5, "\(statuses)")
            #expect(statuses.filter { $0 == 403 }.count == 15)
            #expect(try await h.list("/Users", token: org.token).totalResults == 5)
        }
    }

    @Test func concurrentMemberAddsAndRemovals() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("acme")
            var users: [String] = []
            for index in 0..<30 { users.append(try await h.createUser(org, "m\(index)@acme.example")) }
            let group = try await h.createGroup(org, "Everyone")
            let ids = users
            let statuses = try await withThrowingTaskGroup(of: Int.self) { tasks in
                for id in ids {
                    tasks.addTask {
                        try await h.patch("/Groups/\(group)", token: org.token,
                                          [["op": "add", "path": "members", "value": [["value": id]]]]).status
                    }
                }
                var all: [Int] = []
                for try await status in tasks { all.append(status) }
                return all
            }
            #expect(statuses.allSatisfy { $0 == 200 })
            let full = try await h.scim(.get, "/Groups/\(group)", token: org.token)
            #expect(full.memberIds == Set(users))
            #expect(full.etag == "W/\"31\"")
            let removals = try await withThrowingTaskGroup(of: Int.self) { tasks in
                for id in ids.prefix(10) {
                    tasks.addTask {
                        try await h.patch("/Groups/\(group)", token: org.token,
                                          [["op": "remove", "path": "members[value eq \"\(id)\"]"]]).status
                    }
                }
                var all: [Int] = []
                for try await status in tasks { all.append(status) }
                return all
            }
            #expect(removals.allSatisfy { $0 == 200 })
            #expect(try await h.scim(.get, "/Groups/\(group)", token: org.token).memberIds == Set(users.dropFirst(10)))
            let events = try await h.events(org)
            #expect(events.filter { $0.type == "directory.group.user_added" }.count == 30)
            #expect(events.filter { $0.type == "directory.group.user_removed" }.count == 10)
        }
    }
}
