import Foundation
import HeraldCore
import Hummingbird
import Testing

/// `/api/platform/analytics/*` over organizations created through the API and logins ingested from the SSO core.
@Suite struct AnalyticsTests {
    static let day: TimeInterval = 86_400

    /// The UTC day of `date` as `YYYY-MM-DD`.
    static func dayString(_ date: Date) -> String { String(ISO8601DateFormatter().string(from: date).prefix(10)) }

    static func timestamp(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func ingest(_ client: TestClient, _ key: String, _ events: [String]) async throws {
        let response = try await client.call(.post, "/api/events", key: key,
                                             json: #"{"events":["# + events.joined(separator: ",") + "]}")
        #expect(response.status == 201, "\(response.text)")
    }

    static func login(_ user: String, org: String? = nil, failed: Bool = false, at date: Date? = nil) -> String {
        var fields = [#""type":"auth.login.\#(failed ? "failed" : "succeeded")""#, #""user_id":"\#(user)""#]
        if let org { fields.append(#""org_id":"\#(org)""#) }
        if let date { fields.append(#""occurred_at":"\#(timestamp(date))""#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Creates `count` organizations owned by new users, a few milliseconds apart; returns their ids in order.
    static func organizations(
        _ api: TestAPI, _ client: TestClient, _ slugs: [String]
    ) async throws -> [String] {
        var ids: [String] = []
        for slug in slugs {
            let (_, key) = try await api.user("owner@\(slug).example")
            let created = try await client.call(.post, "/api/organizations", key: key,
                                                json: #"{"slug":"\#(slug)","name":"Org \#(slug)"}"#)
            #expect(created.status == 201)
            ids.append(try #require(created.json["id"] as? String))
            try await Task.sleep(for: .milliseconds(3))
        }
        return ids
    }

    @Test func overviewCountsOrganizationsUsersAndLogins() async throws {
        let api = try await TestAPI()
        let (_, coreKey) = try await api.user("core@sso", service: true)
        let key = api.ownerKey
        try await api.run { client in
            let empty = try await client.call(.get, "/api/platform/analytics/overview", key: key)
            #expect(empty.status == 200)
            #expect(empty.json.keys.sorted() == [
                "active_organizations", "total_end_users", "total_logins_24h", "total_logins_30d", "total_organizations",
                "total_services", "total_users", "unique_users_30d",
            ])
            #expect(empty.json["total_organizations"] as? Int == 0)
            // The bootstrap owner is a user; the service account is not counted.
            #expect(empty.json["total_users"] as? Int == 1)
            #expect(empty.json["total_logins_24h"] as? Int == 0)

            _ = try await client.call(.post, "/api/platform/tiers", key: key, json: #"{"id":"pro","display_name":"Pro"}"#)
            let ids = try await Self.organizations(api, client, ["acme", "globex", "initech"])
            #expect(try await client.call(.post, "/api/platform/organizations/\(ids[0])/approve", key: key,
                                         json: #"{"tier_id":"pro"}"#).status == 200)
            #expect(try await client.call(.post, "/api/platform/organizations/\(ids[1])/reject", key: key,
                                         json: #"{"reason":"no"}"#).status == 200)
            let now = Date()
            try await Self.ingest(client, coreKey, [
                Self.login("u1", org: ids[0]), Self.login("u1", org: ids[0]), Self.login("u2", org: ids[1]),
                Self.login("u3", failed: true),
                Self.login("u4", at: now.addingTimeInterval(-10 * Self.day)),
                Self.login("u5", at: now.addingTimeInterval(-40 * Self.day)),
                #"{"type":"auth.logout","user_id":"u6"}"#,
                #"{"type":"service.created","org_id":"\#(ids[0])","data":{"service_id":"s1"}}"#,
                #"{"type":"service.created","org_id":"\#(ids[0])","data":{"service_id":"s2"}}"#,
                #"{"type":"service.deleted","org_id":"\#(ids[0])","data":{"service_id":"s1"}}"#,
            ])
            let overview = try await client.call(.get, "/api/platform/analytics/overview", key: key)
            #expect(overview.status == 200)
            #expect(overview.json["total_organizations"] as? Int == 3)
            #expect(overview.json["active_organizations"] as? Int == 1)
            #expect(overview.json["total_users"] as? Int == 4)
            #expect(overview.json["total_end_users"] as? Int == 6)
            #expect(overview.json["total_services"] as? Int == 1)
            #expect(overview.json["total_logins_24h"] as? Int == 3)
            #expect(overview.json["total_logins_30d"] as? Int == 4)
            #expect(overview.json["unique_users_30d"] as? Int == 3)

            let status = try await client.call(.get, "/api/platform/analytics/organization-status", key: key)
            #expect(status.status == 200)
            #expect(status.json.keys.sorted() == ["active", "pending", "rejected", "suspended"])
            #expect(status.json["pending"] as? Int == 1)
            #expect(status.json["active"] as? Int == 1)
            #expect(status.json["rejected"] as? Int == 1)
            #expect(status.json["suspended"] as? Int == 0)
        }
    }

    @Test func organizationStatusIsZeroFilled() async throws {
        let api = try await TestAPI()
        try await api.run { client in
            let status = try await client.call(.get, "/api/platform/analytics/organization-status", key: api.ownerKey)
            #expect(status.status == 200)
            #expect(status.json.count == 4)
            for name in ["pending", "active", "suspended", "rejected"] {
                #expect(status.json[name] as? Int == 0, "\(name)")
            }
        }
    }

    @Test func growthTrendsDefaultAndCustomRanges() async throws {
        let api = try await TestAPI()
        let key = api.ownerKey
        try await api.run { client in
            _ = try await Self.organizations(api, client, ["acme", "globex"])
            let today = Self.dayString(Date())
            let trends = try await client.call(.get, "/api/platform/analytics/growth-trends", key: key)
            #expect(trends.status == 200)
            let points = trends.array
            #expect(points.count == 30)
            let dates = points.compactMap { $0["date"] as? String }
            #expect(dates.count == 30)
            #expect(dates.last == today)
            #expect(dates.first == Self.dayString(Date().addingTimeInterval(-29 * Self.day)))
            #expect(dates.allSatisfy { $0.count == 10 && Timestamp.parse($0) != nil })
            #expect(dates == dates.sorted())
            #expect(Set(dates).count == 30)
            let last = try #require(points.last)
            #expect(last.keys.sorted() == ["date", "new_organizations", "new_users", "total_organizations", "total_users"])
            #expect(last["new_organizations"] as? Int == 2)
            #expect(last["total_organizations"] as? Int == 2)
            // The bootstrap owner and the two organization owners, all created today.
            #expect(last["new_users"] as? Int == 3)
            #expect(last["total_users"] as? Int == 3)
            #expect(points.dropLast().allSatisfy { $0["total_organizations"] as? Int == 0 })

            let january = try await client.call(
                .get, "/api/platform/analytics/growth-trends?start_date=2025-01-01&end_date=2025-01-31", key: key)
            #expect(january.status == 200)
            #expect(january.array.count == 31)
            #expect(january.array.first?["date"] as? String == "2025-01-01")
            #expect(january.array.last?["date"] as? String == "2025-01-31")
            #expect(january.array.allSatisfy { $0["total_organizations"] as? Int == 0 && $0["new_users"] as? Int == 0 })
            let single = try await client.call(
                .get, "/api/platform/analytics/growth-trends?start_date=\(today)&end_date=\(today)", key: key)
            #expect(single.array.map { $0["date"] as? String } == [today])
            #expect(single.array.first?["new_organizations"] as? Int == 2)
            let onlyEnd = try await client.call(.get, "/api/platform/analytics/growth-trends?end_date=2025-03-31",
                                                key: key)
            #expect(onlyEnd.array.count == 30)
            #expect(onlyEnd.array.last?["date"] as? String == "2025-03-31")
            let year = try await client.call(
                .get, "/api/platform/analytics/growth-trends?start_date=2025-01-01&end_date=2025-12-31", key: key)
            #expect(year.status == 200)
            #expect(year.array.count == 365)

            for (query, field) in [
                ("start_date=2025-02-01&end_date=2025-01-01", "start_date"),
                ("start_date=2024-01-01&end_date=2025-01-02", "start_date"),
                ("start_date=2000-01-01", "start_date"),
                ("start_date=2025-13-01", "start_date"),
                ("end_date=tomorrow", "end_date"),
                ("start_date=1969-12-31&end_date=1970-01-02", "start_date"),
            ] {
                let response = try await client.call(.get, "/api/platform/analytics/growth-trends?\(query)", key: key)
                #expect(response.status == 400, "\(query)")
                #expect(response.errorCode == "invalid_query_parameter", "\(query)")
                #expect(response.errorField == field, "\(query): \(response.text)")
            }
        }
    }

    /// Dates that do not exist are invalid query parameters, not rolled over into the next month.
    @Test func impossibleCalendarDatesAreRefused() async throws {
        let api = try await TestAPI()
        let (_, coreKey) = try await api.user("core@sso", service: true)
        let key = api.ownerKey
        try await api.run { client in
            for date in ["2025-02-30", "2025-04-31", "2025-02-29", "2025-02-30T10:00:00Z", "2025-01-31T25:00:00Z"] {
                for path in [
                    "/api/platform/analytics/growth-trends?end_date=\(date)",
                    "/api/platform/analytics/login-activity?start_date=\(date)&end_date=2025-12-31",
                    "/api/platform/audit-log?start_date=\(date)",
                ] {
                    let response = try await client.call(.get, path, key: key)
                    let field = path.contains("?end_date") ? "end_date" : "start_date"
                    #expect(response.status == 400 && response.errorField == field,
                            "\(path) answered \(response.status) \(response.text.prefix(80))")
                }
                let occurred = date.count == 10 ? date + "T10:00:00Z" : date
                let ingest = try await client.call(.post, "/api/events", key: coreKey,
                                                   json: #"{"events":[{"type":"auth.logout","occurred_at":"\#(occurred)"}]}"#)
                #expect(ingest.status == 400 && ingest.errorField == "events[0].occurred_at",
                        "occurred_at \(occurred) answered \(ingest.status) \(ingest.text)")
            }
            // A real leap day is fine.
            let leap = try await client.call(.get, "/api/platform/analytics/growth-trends?end_date=2024-02-29", key: key)
            #expect(leap.status == 200)
            #expect(leap.array.last?["date"] as? String == "2024-02-29")
        }
    }

    @Test func loginActivityCountsPerDay() async throws {
        let api = try await TestAPI()
        let (_, coreKey) = try await api.user("core@sso", service: true)
        let key = api.ownerKey
        try await api.run { client in
            let now = Date()
            let tenDaysAgo = now.addingTimeInterval(-10 * Self.day)
            try await Self.ingest(client, coreKey, [
                Self.login("u1"), Self.login("u1"), Self.login("u2"), Self.login("u3", failed: true),
                Self.login("u3", failed: true), Self.login("u4", at: tenDaysAgo), Self.login("u5", failed: true, at: tenDaysAgo),
                Self.login("u6", at: now.addingTimeInterval(-45 * Self.day)),
            ])
            let activity = try await client.call(.get, "/api/platform/analytics/login-activity", key: key)
            #expect(activity.status == 200)
            #expect(activity.array.count == 30)
            let byDay = Dictionary(uniqueKeysWithValues: activity.array.map { ($0["date"] as? String ?? "", $0) })
            let today = try #require(byDay[Self.dayString(now)])
            #expect(today.keys.sorted() == ["date", "failed_logins", "total_logins", "unique_users"])
            #expect(today["total_logins"] as? Int == 3)
            #expect(today["unique_users"] as? Int == 2)
            #expect(today["failed_logins"] as? Int == 2)
            let earlier = try #require(byDay[Self.dayString(tenDaysAgo)])
            #expect(earlier["total_logins"] as? Int == 1)
            #expect(earlier["unique_users"] as? Int == 1)
            #expect(earlier["failed_logins"] as? Int == 1)
            let total = activity.array.reduce(0) { $0 + ($1["total_logins"] as? Int ?? 0) }
            #expect(total == 4)
            #expect(activity.array.last?["date"] as? String == Self.dayString(now))

            let old = Self.dayString(now.addingTimeInterval(-45 * Self.day))
            let custom = try await client.call(
                .get, "/api/platform/analytics/login-activity?start_date=\(old)&end_date=\(old)", key: key)
            #expect(custom.status == 200)
            #expect(custom.array.count == 1)
            #expect(custom.array.first?["total_logins"] as? Int == 1)
            let bad = try await client.call(
                .get, "/api/platform/analytics/login-activity?start_date=2025-02-01&end_date=2025-01-01", key: key)
            #expect(bad.status == 400)
            #expect(bad.errorField == "start_date")
        }
    }

    @Test func topOrganizationsAreOrderedByLogins() async throws {
        let api = try await TestAPI()
        let (_, coreKey) = try await api.user("core@sso", service: true)
        let key = api.ownerKey
        try await api.run { client in
            let slugs = (1...12).map { "org-\($0)" }
            let ids = try await Self.organizations(api, client, slugs)
            let (_, org5Key) = try await api.user("owner@org-5.example")
            #expect(try await client.call(.post, "/api/organizations/org-5/members", key: org5Key,
                                         json: #"{"email":"second@org-5.example","role":"member"}"#).status == 201)
            try await Self.ingest(client, coreKey, [
                Self.login("a", org: ids[4]), Self.login("b", org: ids[4]), Self.login("a", org: ids[4]),
                Self.login("c", org: ids[8]), Self.login("d", org: ids[8]),
                Self.login("e", org: ids[1]),
                Self.login("f", org: ids[1], failed: true), Self.login("g", org: ids[1], failed: true),
                // Older than 30 days: not counted.
                Self.login("h", org: ids[11], at: Date().addingTimeInterval(-31 * Self.day)),
                Self.login("i", org: ids[11], at: Date().addingTimeInterval(-31 * Self.day)),
                Self.login("j", org: ids[11], at: Date().addingTimeInterval(-31 * Self.day)),
                Self.login("k", org: ids[11], at: Date().addingTimeInterval(-31 * Self.day)),
            ])
            let top = try await client.call(.get, "/api/platform/analytics/top-organizations", key: key)
            #expect(top.status == 200)
            #expect(top.array.count == 10)
            #expect(top.array.prefix(3).map { $0["id"] as? String } == [ids[4], ids[8], ids[1]])
            let logins = top.array.map { $0["login_count_30d"] as? Int ?? -1 }
            #expect(logins == logins.sorted(by: >))
            #expect(logins.prefix(4) == [3, 2, 1, 0])
            let first = try #require(top.array.first)
            #expect(first.keys.sorted() == [
                "id", "login_count_30d", "name", "service_count", "slug", "unique_users_30d", "user_count",
            ])
            #expect(first["slug"] as? String == "org-5")
            #expect(first["name"] as? String == "Org org-5")
            #expect(first["unique_users_30d"] as? Int == 2)
            #expect(first["user_count"] as? Int == 2)
            #expect(first["service_count"] as? Int == 0)
            // org-12's logins are older than 30 days.
            if let stale = top.array.first(where: { $0["id"] as? String == ids[11] }) {
                #expect(stale["login_count_30d"] as? Int == 0)
            }
        }
    }

    @Test func recentOrganizationsNewestFirst() async throws {
        let api = try await TestAPI()
        let key = api.ownerKey
        try await api.run { client in
            let empty = try await client.call(.get, "/api/platform/analytics/recent-organizations", key: key)
            #expect(empty.status == 200)
            #expect(empty.array.isEmpty)
            let ids = try await Self.organizations(api, client, ["first", "second", "third", "fourth"])
            let recent = try await client.call(.get, "/api/platform/analytics/recent-organizations?limit=2", key: key)
            #expect(recent.status == 200)
            #expect(recent.array.map { $0["id"] as? String } == [ids[3], ids[2]])
            let newest = try #require(recent.array.first)
            #expect(newest["slug"] as? String == "fourth")
            #expect(newest["status"] as? String == "pending")
            #expect(newest["tier_id"] is NSNull)
            #expect((newest["created_at"] as? String).flatMap(Timestamp.parse) != nil)
            let all = try await client.call(.get, "/api/platform/analytics/recent-organizations", key: key)
            #expect(all.array.compactMap { $0["id"] as? String } == Array(ids.reversed()))
            for limit in ["0", "101", "-1", "x"] {
                let response = try await client.call(.get, "/api/platform/analytics/recent-organizations?limit=\(limit)",
                                                     key: key)
                #expect(response.status == 400, "\(limit)")
                #expect(response.errorField == "limit", "\(limit)")
            }
        }
    }

    @Test func analyticsNeedAPlatformOwner() async throws {
        let api = try await TestAPI()
        let (_, key) = try await api.user("plain@example.com")
        try await api.run { client in
            for path in ["overview", "organization-status", "growth-trends", "login-activity", "top-organizations",
                         "recent-organizations"] {
                let response = try await client.call(.get, "/api/platform/analytics/\(path)", key: key)
                #expect(response.status == 403, "\(path)")
                #expect(response.errorCode == "forbidden")
            }
        }
    }
}
