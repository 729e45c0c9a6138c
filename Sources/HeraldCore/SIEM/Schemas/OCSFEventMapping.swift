import Foundation

/// Herald events as OCSF 1.5.0 events: Authentication (3002), Account Change (3001), Detection Finding (2004) and
/// API Activity (6003), with every attribute those classes require.
///
/// The event's `data` goes to `unmapped`; the caption siblings (`class_name`, `activity_name`, `severity`, …) are
/// set so that the events read on their own. `docs/siem-schemas.md` has the table, field by field.
public enum OCSFEventMapping {
    /// The OCSF schema version the events follow (`metadata.version`).
    public static let schemaVersion = "1.5.0"
    /// Bumped when a field is added, renamed or changes meaning.
    public static let mappingVersion = "1"

    /// The event as an OCSF event object.
    public static func render(_ event: Event, producer: SiemProducer) -> [String: JSONValue] {
        let traits = SiemEventTraits(event)
        let classification = OCSFClassification(traits.action)
        let eventClass = classification.eventClass
        var object: [String: JSONValue] = [
            "class_uid": number(eventClass.rawValue),
            "class_name": .string(eventClass.name),
            "category_uid": number(eventClass.categoryUID),
            "category_name": .string(eventClass.categoryName),
            "activity_id": number(classification.activityID),
            "activity_name": .string(
                classification.activityID == OCSFClassification.otherActivity
                    ? event.type : classification.activityCaption),
            "type_uid": number(classification.typeUID),
            "type_name": .string(classification.typeName),
            "severity_id": number(event.severity.ocsfSeverityID),
            "severity": .string(event.severity.ocsfCaption),
            "time": number(SiemTime.milliseconds(event.occurredAt)),
            "message": .string(traits.description),
            "metadata": metadata(event, producer: producer),
        ]
        if !event.data.isEmpty { object["unmapped"] = .object(event.data) }

        switch eventClass {
        case .authentication:
            object["user"] = user(traits.subject)
            object["service"] = service(event, producer: producer)
            setStatus(traits.outcome, in: &object)
            if traits.outcome == .failure, let reason = event.data["reason"]?.stringValue {
                object["status_detail"] = .string(reason)
            }
            if traits.action == .mfaChallenge {
                object["is_mfa"] = .bool(true)
                if let factor = event.data["factor"]?.stringValue {
                    let (id, caption) = OCSFClassification.authFactor(factor)
                    object["auth_factors"] = [["factor_type_id": number(id), "factor_type": .string(caption)]]
                }
            }
            setClient(event, traits, in: &object)
        case .accountChange:
            object["user"] = user(traits.subject)
            setStatus(traits.outcome, in: &object)
            setClient(event, traits, in: &object)
        case .apiActivity:
            setStatus(traits.outcome, in: &object)
            setClient(event, traits, in: &object)
            // API Activity requires both. An event without an actor was recorded by Herald itself (a background
            // job); one without a valid client address came from inside Herald too, or from the SSO core with an
            // address that is not one: Herald stands in for the source.
            if object["actor"] == nil { object["actor"] = ["app_name": .string(producer.product)] }
            if object["src_endpoint"] == nil { object["src_endpoint"] = ["name": .string(producer.product)] }
            object["api"] = ["operation": .string(event.type), "service": ["name": .string(producer.product)]]
            if let targetId = event.targetId {
                var resource: [String: JSONValue] = ["uid": .string(targetId)]
                resource["type"] = event.targetType.map(JSONValue.string)
                object["resources"] = [.object(resource)]
            }
        case .detectionFinding:
            object["status_id"] = 1
            object["status"] = "New"
            let (riskID, riskCaption) = OCSFClassification.riskLevel(event.severity)
            object["risk_level_id"] = number(riskID)
            object["risk_level"] = .string(riskCaption)
            object["finding_info"] = findingInfo(event, traits)
            var evidence: [String: JSONValue] = [:]
            if let subject = traits.subject { evidence["user"] = user(subject) }
            if let ip = traits.ipAddress { evidence["src_endpoint"] = ["ip": .string(ip)] }
            if !evidence.isEmpty {
                if let agent = event.userAgent { evidence["http_request"] = ["user_agent": .string(agent)] }
                object["evidences"] = [.object(evidence)]
            }
        }
        return object
    }

    private static func number<T: BinaryInteger>(_ value: T) -> JSONValue { .number(Double(value)) }

    private static func metadata(_ event: Event, producer: SiemProducer) -> JSONValue {
        var metadata: [String: JSONValue] = [
            "version": .string(schemaVersion),
            "product": [
                "name": .string(producer.product), "vendor_name": .string(producer.vendor),
                "version": .string(producer.version),
            ],
            "uid": .string(event.id),
            "event_code": .string(event.type),
            "logged_time": number(SiemTime.milliseconds(event.createdAt)),
        ]
        metadata["tenant_uid"] = event.orgId.map(JSONValue.string)
        // The SSO core's own time for an event it posted with one; Herald's events have no other clock, and an
        // ingested event without `occurred_at` happened when Herald stored it.
        if SiemEventTraits.isIngested(event.type), event.occurredAt != event.createdAt {
            metadata["original_time"] = .string(SiemTime.iso8601(event.occurredAt))
        }
        return .object(metadata)
    }

    /// An OCSF `user`, which needs a `uid` or a `name` (the email address stands in for a missing name); the
    /// classes that require a user get `name: unknown` when the event names nobody.
    private static func user(_ person: SiemEventTraits.Person?) -> JSONValue {
        guard let person else { return ["name": "unknown"] }
        var user: [String: JSONValue] = [:]
        user["uid"] = person.id.map(JSONValue.string)
        user["email_addr"] = person.email.map(JSONValue.string)
        user["name"] = (person.name ?? (person.id == nil ? person.email : nil)).map(JSONValue.string)
        return .object(user)
    }

    /// What was signed in to: the service the SSO core names, else the platform itself.
    private static func service(_ event: Event, producer: SiemProducer) -> JSONValue {
        var service: [String: JSONValue] = [:]
        service["uid"] = event.data["service_id"]?.stringValue.map(JSONValue.string)
        service["name"] = event.data["service_name"]?.stringValue.map(JSONValue.string)
        return service.isEmpty ? ["name": .string(producer.product)] : .object(service)
    }

    private static func setStatus(_ outcome: SiemEventTraits.Outcome, in object: inout [String: JSONValue]) {
        let (id, caption): (Int, String) =
            switch outcome {
            case .success: (1, "Success")
            case .failure: (2, "Failure")
            case .unknown: (0, "Unknown")
            }
        object["status_id"] = number(id)
        object["status"] = .string(caption)
    }

    /// `actor`, `src_endpoint` and `http_request`, where the event knows them.
    private static func setClient(_ event: Event, _ traits: SiemEventTraits, in object: inout [String: JSONValue]) {
        if let actor = traits.actor { object["actor"] = ["user": user(actor)] }
        if let ip = traits.ipAddress { object["src_endpoint"] = ["ip": .string(ip)] }
        if let agent = event.userAgent { object["http_request"] = ["user_agent": .string(agent)] }
    }

    private static func findingInfo(_ event: Event, _ traits: SiemEventTraits) -> JSONValue {
        var info: [String: JSONValue] = [
            "uid": .string(event.id),
            "title": .string(event.type),
            "desc": .string(event.data["details"]?.stringValue ?? traits.description),
            "created_time": number(SiemTime.milliseconds(event.occurredAt)),
        ]
        if let kind = event.data["alert_type"]?.stringValue { info["types"] = [.string(kind)] }
        return .object(info)
    }
}
