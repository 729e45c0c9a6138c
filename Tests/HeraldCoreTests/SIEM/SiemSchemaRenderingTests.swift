import Foundation
@testable import HeraldCore
import Testing

@Suite("SIEM schemas: rendering")
struct SiemSchemaRenderingTests {
    typealias F = SiemFixtures

    @Test("JSON schemas render objects, CEF and LEEF one line each", arguments: SiemSchema.allCases)
    func renderingKinds(schema: SiemSchema) {
        for event in F.all {
            let rendering = schema.render(event, producer: F.producer)
            if schema.isText {
                let line = rendering.text
                #expect(line != nil)
                #expect(line.map { !$0.contains("\n") && !$0.contains("\r") } == true)
            } else {
                #expect(rendering.object != nil)
            }
        }
    }

    @Test("render dispatches to each schema's mapping")
    func dispatch() {
        let event = F.memberAdded
        #expect(SiemSchema.native.render(event, producer: F.producer) == .object(NativeEventMapping.render(event)))
        #expect(
            SiemSchema.ocsf.render(event, producer: F.producer)
                == .object(OCSFEventMapping.render(event, producer: F.producer)))
        #expect(
            SiemSchema.ecs.render(event, producer: F.producer)
                == .object(ECSEventMapping.render(event, producer: F.producer)))
        #expect(
            SiemSchema.cef.render(event, producer: F.producer)
                == .text(CEFEventFormatter.format(event, producer: F.producer)))
        #expect(
            SiemSchema.leef.render(event, producer: F.producer)
                == .text(LEEFEventFormatter.format(event, producer: F.producer)))
    }

    @Test("every schema has a mapping version")
    func mappingVersions() {
        for schema in SiemSchema.allCases { #expect(schema.mappingVersion == "1", "\(schema)") }
    }

    @Test("the same event gives the same bytes, whatever order its data was built in", arguments: SiemSchema.allCases)
    func deterministic(schema: SiemSchema) {
        let pairs: [(String, JSONValue)] = (0..<40).map { ("key\($0)", .object(["b": .number(Double($0)), "a": "x"])) }
        var forward = F.organizationApproved
        forward.data = Dictionary(uniqueKeysWithValues: pairs)
        var backward = F.organizationApproved
        backward.data = [:]
        for (key, value) in pairs.reversed() { backward.data[key] = value }
        let first = schema.render(forward, producer: F.producer).bytes
        #expect(first == schema.render(backward, producer: F.producer).bytes)
        #expect(first == schema.render(forward, producer: F.producer).bytes)
        for event in F.all {
            #expect(schema.render(event, producer: F.producer).bytes == schema.render(event, producer: F.producer).bytes)
        }
    }

    @Test("JSON renderings serialize to JSON that parses back to the same value", arguments: [SiemSchema.native, .ocsf, .ecs])
    func serializes(schema: SiemSchema) throws {
        for event in F.all {
            let rendering = schema.render(event, producer: F.producer)
            #expect(try JSONValue.parse(rendering.bytes) == rendering.jsonValue)
        }
    }

    @Test("the severity scales")
    func severityScales() {
        #expect(Severity.allCases.map(\.ocsfSeverityID) == [1, 2, 3, 4, 5])
        #expect(Severity.allCases.map(\.tenPointScore) == [1, 3, 5, 8, 10])
    }

    @Test("timestamp forms keep the milliseconds")
    func times() {
        let date = Date(millisecondsSince1970: 1_736_937_000_045)
        #expect(SiemTime.iso8601(date) == "2025-01-15T10:30:00.045Z")
        #expect(SiemTime.leef(date) == "2025-01-15T10:30:00.045+0000")
        #expect(SiemTime.milliseconds(date) == 1_736_937_000_045)
        #expect(SiemTime.iso8601(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }

    @Test("an email-like actor that is not an email address is a name, never an email field")
    func emailShapes() {
        #expect(SiemEventTraits.isEmailAddress("jane@acme.example"))
        for text in ["system", "scim:hscim_3f9a1c", "jane@localhost", "@acme.example", "jane@", "jane@.example",
            "jane@acme.", "zoë@acme.example", "a@b@c.example"]
        {
            #expect(!SiemEventTraits.isEmailAddress(text), "\(text)")
        }
    }
}
