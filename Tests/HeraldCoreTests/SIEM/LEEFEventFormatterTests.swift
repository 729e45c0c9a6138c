import Foundation
@testable import HeraldCore
import Testing

@Suite("SIEM schema: LEEF")
struct LEEFEventFormatterTests {
    typealias F = SiemFixtures

    static func format(_ event: Event, producer: SiemProducer = F.producer) -> String {
        LEEFEventFormatter.format(event, producer: producer)
    }

    static let time = "devTime=2025-01-15T10:30:00.123+0000\tdevTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ"

    @Test("auth.login.succeeded: LEEF 2.0 header with the tab delimiter, then the attributes in a fixed order")
    func loginSucceeded() {
        #expect(
            Self.format(F.loginSucceeded)
                == "LEEF:2.0|Herald|Herald|1.2.3|auth.login.succeeded|x09|\(Self.time)\tsev=1\tcat=authentication"
                + "\tusrName=jane@acme.example\tsrc=203.0.113.7\tisLoginEvent=true\texternalId=\(F.id(1))"
                + "\teventType=auth.login.succeeded\toutcome=success\torgId=org_acme\tuserId=user_jane"
                + "\tuserEmail=jane@acme.example\tuserAgent=Mozilla/5.0 (X11; Linux x86_64)\tmsg=A user signed in."
                + "\t" + #"data={"method":"password"}"#)
    }

    @Test("member.added: the member is usrName, the admin actorId/actorName")
    func memberAdded() {
        #expect(
            Self.format(F.memberAdded)
                == "LEEF:2.0|Herald|Herald|1.2.3|member.added|x09|\(Self.time)\tsev=1\tcat=account"
                + "\tusrName=bob@acme.example\tsrc=198.51.100.4\texternalId=\(F.id(3))\teventType=member.added"
                + "\toutcome=success\torgId=org_acme\tuserId=user_bob\tuserEmail=bob@acme.example"
                + "\tactorId=user_admin\tactorName=admin@acme.example\ttargetType=user\ttargetId=user_bob"
                + "\tuserAgent=curl/8.5.0\tmsg=A user became a member of an organization."
                + "\t" + #"data={"email":"bob@acme.example","role":"admin","user_id":"user_bob"}"#)
    }

    @Test("every class: sev on the 1-10 scale, cat, and the subject or actor as usrName")
    func classes() {
        let expected: [(Event, sev: String, cat: String, user: String?)] = [
            (F.loginFailed, "5", "authentication", "jane@acme.example"),
            (F.userDeactivated, "3", "account", "bjensen@acme.example"),
            (F.mfaEnrolled, "1", "account", "jane@acme.example"),
            (F.impossibleTravel, "8", "risk", "jane@acme.example"),
            (F.organizationApproved, "1", "admin", "owner@platform.example"),
            (F.webhookDeleted, "3", "admin", "system"),
        ]
        for (event, sev, cat, user) in expected {
            let fields = Self.parse(Self.format(event))
            #expect(fields["sev"] == sev, "\(event.type)")
            #expect(fields["cat"] == cat, "\(event.type)")
            #expect(fields["usrName"] == user, "\(event.type)")
            #expect(fields["externalId"] == event.id)
            #expect(fields["devTimeFormat"] == "yyyy-MM-dd'T'HH:mm:ss.SSSZ")
        }
        #expect(Self.parse(Self.format(F.loginFailed))["src"] == "2001:db8::7")
        #expect(Self.parse(Self.format(F.loginFailed))["isLoginEvent"] == nil)
        #expect(Self.parse(Self.format(F.event(9, "auth.logout", userId: "user_jane")))["isLogoutEvent"] == "true")
    }

    @Test("values lose tabs and line breaks (the delimiter cannot be escaped); = is kept")
    func valueSanitising() {
        #expect(LEEFEventFormatter.value("a\tb\nc\r\nd=e|f") == "a b c  d=e|f")
        var event = F.loginSucceeded
        event.userAgent = "Evil\tsev=10\nLEEF:2.0|x"
        let line = Self.format(event)
        #expect(!line.contains("\n") && !line.contains("\r"))
        let fields = Self.parse(line)
        #expect(fields["sev"] == "1")
        #expect(fields["userAgent"] == "Evil sev=10 LEEF:2.0|x")
    }

    @Test("header fields lose | and control characters")
    func headerSanitising() {
        #expect(LEEFEventFormatter.headerField("Ac|me\tCo\n") == "Ac me Co ")
        let line = Self.format(F.loginSucceeded, producer: SiemProducer(vendor: "Ac|me", product: "Her\nald", version: "1|0"))
        #expect(line.hasPrefix("LEEF:2.0|Ac me|Her ald|1 0|auth.login.succeeded|x09|devTime="))
    }

    @Test("the header has six fields and every attribute is one key=value between tabs")
    func structure() {
        for event in F.all + EventCatalogue.entries.map({ F.full($0.type, data: $0.example) }) {
            let line = Self.format(event)
            let parts = line.split(separator: "|", maxSplits: 6, omittingEmptySubsequences: false)
            #expect(parts.count == 7, "\(event.type)")
            #expect(parts[4] == event.type[...])
            #expect(parts[5] == "x09")
            let attributes = parts[6].split(separator: "\t", omittingEmptySubsequences: false)
            for attribute in attributes { #expect(attribute.contains("="), "\(event.type): \(attribute)") }
            let keys = attributes.map { $0.prefix { $0 != "=" } }
            #expect(Set(keys).count == keys.count, "\(event.type)")
        }
    }

    /// The attributes of a LEEF 2.0 line with the tab delimiter.
    static func parse(_ line: String) -> [String: String] {
        let parts = line.split(separator: "|", maxSplits: 6, omittingEmptySubsequences: false)
        guard parts.count == 7 else { return [:] }
        var fields: [String: String] = [:]
        for attribute in parts[6].split(separator: "\t") {
            guard let equals = attribute.firstIndex(of: "=") else { continue }
            fields[String(attribute[..<equals])] = String(attribute[attribute.index(after: equals)...])
        }
        return fields
    }
}
