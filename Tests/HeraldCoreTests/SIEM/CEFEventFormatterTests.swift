import Foundation
@testable import HeraldCore
import Testing

@Suite("SIEM schema: CEF")
struct CEFEventFormatterTests {
    typealias F = SiemFixtures

    static func format(_ event: Event, producer: SiemProducer = F.producer) -> String {
        CEFEventFormatter.format(event, producer: producer)
    }

    @Test("auth.login.succeeded: header, severity 1 and the extension in a fixed order")
    func loginSucceeded() {
        #expect(
            Self.format(F.loginSucceeded)
                == "CEF:0|Herald|Herald|1.2.3|auth.login.succeeded|auth login succeeded|1|rt=1736937000123 "
                + "externalId=\(F.id(1)) cat=authentication act=auth.login.succeeded outcome=success "
                + "duser=jane@acme.example duid=user_jane src=203.0.113.7 "
                + "requestClientApplication=Mozilla/5.0 (X11; Linux x86_64) cs1Label=org_id cs1=org_acme "
                + #"msg=A user signed in. cs4Label=data cs4={"method":"password"}"#)
    }

    @Test("auth.login.failed: an IPv6 source goes to c6a2, severity medium is 5")
    func loginFailed() {
        #expect(
            Self.format(F.loginFailed)
                == "CEF:0|Herald|Herald|1.2.3|auth.login.failed|auth login failed|5|rt=1736937000123 "
                + "externalId=\(F.id(2)) cat=authentication act=auth.login.failed outcome=failure "
                + "duser=jane@acme.example c6a2Label=Source IPv6 Address c6a2=2001:db8::7 cs1Label=org_id "
                + #"cs1=org_acme msg=A sign-in failed. cs4Label=data cs4={"reason":"bad_password"}"#)
    }

    @Test("member.added: the admin is suser/suid, the member duser/duid, the target in cs2/cs3")
    func memberAdded() {
        #expect(
            Self.format(F.memberAdded)
                == "CEF:0|Herald|Herald|1.2.3|member.added|member added|1|rt=1736937000123 "
                + "externalId=\(F.id(3)) cat=account act=member.added outcome=success suser=admin@acme.example "
                + "suid=user_admin duser=bob@acme.example duid=user_bob src=198.51.100.4 "
                + "requestClientApplication=curl/8.5.0 cs1Label=org_id cs1=org_acme cs2Label=target_type cs2=user "
                + "cs3Label=target_id cs3=user_bob msg=A user became a member of an organization. cs4Label=data "
                + #"cs4={"email":"bob@acme.example","role":"admin","user_id":"user_bob"}"#)
    }

    @Test("the other classes: categories, severities, the SCIM actor's name")
    func otherClasses() throws {
        let deactivated = try Self.parse(Self.format(F.userDeactivated))
        #expect(deactivated.header[6] == "3")
        #expect(deactivated.fields["cat"] == "account")
        #expect(deactivated.fields["suser"] == "scim:hscim_3f9a1c")
        #expect(deactivated.fields["duser"] == "bjensen@acme.example")
        #expect(deactivated.fields["duid"] == "2819c223")
        #expect(try Self.parse(Self.format(F.mfaEnrolled)).fields["cat"] == "account")
        let travel = try Self.parse(Self.format(F.impossibleTravel))
        #expect(travel.header[4] == "risk.impossible_travel")
        #expect(travel.header[6] == "8")
        #expect(travel.fields["cat"] == "risk")
        #expect(travel.fields["outcome"] == "unknown")
        #expect(travel.fields["cs4"] == #"{"from":"Berlin","minutes":40,"to":"Sydney"}"#)
        let approved = try Self.parse(Self.format(F.organizationApproved))
        #expect(approved.fields["cat"] == "admin")
        #expect(approved.fields["suser"] == "owner@platform.example")
        #expect(approved.fields["duser"] == nil)
        let deleted = try Self.parse(Self.format(F.webhookDeleted))
        #expect(deleted.header[6] == "3")
        #expect(deleted.fields["suser"] == "system")
        #expect(deleted.fields["src"] == nil)
        #expect(deleted.fields["suid"] == nil)
    }

    @Test("severity follows the documented bands: info 1, low 3, medium 5, high 8, critical 10")
    func severities() throws {
        let expected: [Severity: String] = [.info: "1", .low: "3", .medium: "5", .high: "8", .critical: "10"]
        for severity in Severity.allCases {
            let line = Self.format(F.event(1, "risk.suspicious_activity", severity: severity))
            #expect(try Self.parse(line).header[6] == expected[severity], "\(severity)")
        }
    }

    @Test("header fields escape | and \\, and turn line breaks into spaces")
    func headerEscaping() throws {
        #expect(CEFEventFormatter.headerField(#"a|b\c"#, limit: 63) == #"a\|b\\c"#)
        #expect(CEFEventFormatter.headerField("line\nbreak\r\nhere", limit: 63) == "line break  here")
        #expect(CEFEventFormatter.headerField("a=b", limit: 63) == "a=b")
        let producer = SiemProducer(vendor: "Ac|me", product: #"Her\ald"#, version: "1.0\n-beta")
        let line = Self.format(F.loginSucceeded, producer: producer)
        #expect(line.hasPrefix(#"CEF:0|Ac\|me|Her\\ald|1.0 -beta|auth.login.succeeded|"#))
        #expect(!line.contains("\n") && !line.contains("\r"))
        let parsed = try Self.parse(line)
        #expect(parsed.header[1] == "Ac|me")
        #expect(parsed.header[2] == #"Her\ald"#)
    }

    @Test("header fields are cut to CEF's lengths before escaping")
    func headerLimits() throws {
        let producer = SiemProducer(
            vendor: String(repeating: "v", count: 100), product: String(repeating: "|", count: 100),
            version: String(repeating: "9", count: 40))
        var event = F.loginSucceeded
        event.type = "auth." + String(repeating: "x", count: 2000)
        let parsed = try Self.parse(Self.format(event, producer: producer))
        #expect(parsed.header[1].count == 63)
        #expect(parsed.header[2] == String(repeating: "|", count: 63))
        #expect(parsed.header[3].count == 31)
        #expect(parsed.header[4].count == 1023)
        #expect(parsed.header[5].count == 512)
    }

    @Test("extension values escape = and \\, and write line breaks as \\n and \\r; | stays as is")
    func extensionEscaping() throws {
        #expect(CEFEventFormatter.extensionValue(#"a=b\c|d"#) == #"a\=b\\c|d"#)
        #expect(CEFEventFormatter.extensionValue("one\ntwo\r\nthree") == #"one\ntwo\r\nthree"#)
        var event = F.loginSucceeded
        event.userAgent = "Evil=1 msg=forged\nCEF:0|x|y|z"
        event.data = ["note": "a=b \\ c"]
        let line = Self.format(event)
        #expect(!line.contains("\n"))
        #expect(line.contains(#"requestClientApplication=Evil\=1 msg\=forged\nCEF:0|x|y|z"#))
        let parsed = try Self.parse(line)
        #expect(parsed.fields["requestClientApplication"] == "Evil=1 msg=forged\nCEF:0|x|y|z")
        #expect(parsed.fields["msg"] == "A user signed in.")
        #expect(parsed.fields["cs4"] == #"{"note":"a=b \\ c"}"#)
    }

    @Test("every extension key is ASCII letters and digits (CEF keys), and no key repeats")
    func extensionKeys() throws {
        for event in F.all + EventCatalogue.entries.map({ F.full($0.type, data: $0.example) }) {
            let traits = SiemEventTraits(event)
            let keys = CEFEventFormatter.extensionFields(event, traits).map(\.key)
            #expect(Set(keys).count == keys.count, "\(event.type)")
            for key in keys { #expect(key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, "\(key)") }
            let parsed = try Self.parse(Self.format(event))
            #expect(parsed.fields["externalId"] == event.id)
            #expect(parsed.fields["rt"] == String(event.occurredAt.millisecondsSince1970))
        }
    }

    // MARK: - A CEF reader written from the format's rules, to read the lines back

    struct Parsed {
        var header: [String]
        var fields: [String: String]
    }

    struct ParseError: Error {}

    /// Splits a line into its seven header fields (unescaped) and its extension (keys to unescaped values).
    static func parse(_ line: String) throws -> Parsed {
        var header: [String] = []
        var current = ""
        var index = line.startIndex
        while header.count < 7, index < line.endIndex {
            let character = line[index]
            if character == "\\", line.index(after: index) < line.endIndex {
                index = line.index(after: index)
                current.append(line[index])
            } else if character == "|" {
                header.append(current)
                current = ""
            } else {
                current.append(character)
            }
            index = line.index(after: index)
        }
        guard header.count == 7, header[0] == "CEF:0" else { throw ParseError() }
        let rest = String(line[index...])
        // The extension: `key=value` pairs; a key starts after a space and ends at an unescaped `=`.
        var fields: [String: String] = [:]
        var pairs: [(String, String)] = []
        var key = ""
        var value = ""
        var readingKey = true
        var characters = Array(rest)
        characters.append(" ")
        var position = 0
        while position < characters.count - 1 {
            let character = characters[position]
            if readingKey {
                if character == "=" { readingKey = false } else { key.append(character) }
            } else if character == "\\" {
                position += 1
                switch characters[position] {
                case "n": value.append("\n")
                case "r": value.append("\r")
                default: value.append(characters[position])
                }
            } else if character == " ", Self.startsKey(characters, at: position + 1) {
                pairs.append((key, value))
                key = ""
                value = ""
                readingKey = true
            } else {
                value.append(character)
            }
            position += 1
        }
        if !key.isEmpty { pairs.append((key, value)) }
        for (key, value) in pairs {
            guard fields[key] == nil else { throw ParseError() }
            fields[key] = value
        }
        return Parsed(header: header, fields: fields)
    }

    /// Whether `key=` (letters and digits, then an unescaped `=`) starts at `position`.
    static func startsKey(_ characters: [Character], at position: Int) -> Bool {
        var index = position
        while index < characters.count, characters[index].isASCII,
            characters[index].isLetter || characters[index].isNumber
        {
            index += 1
        }
        return index > position && index < characters.count && characters[index] == "="
    }
}
