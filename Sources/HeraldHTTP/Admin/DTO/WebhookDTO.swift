import Foundation
import HeraldCore
import Hummingbird

/// A webhook endpoint; `secret` only in the create, rotate-secret answers (the reveal answers `{secret}` alone).
struct WebhookEndpointDTO: ResponseEncodable {
    var id, url: String
    var description: String?
    var eventTypes: [String]
    var enabled: Bool
    var disabledReason: String?
    var rateLimitPerSecond: Int?
    var ordered: Bool
    var headers: [String: String]
    var signing: WebhookSigningScheme
    var createdAt, updatedAt: String
    var secret: String?

    init(_ endpoint: WebhookEndpoint, secret: String? = nil) {
        id = endpoint.id
        url = endpoint.url
        description = endpoint.description
        eventTypes = endpoint.eventTypes
        enabled = endpoint.enabled
        disabledReason = endpoint.disabledReason
        rateLimitPerSecond = endpoint.rateLimitPerSecond
        ordered = endpoint.ordered
        headers = endpoint.headers
        signing = endpoint.signing
        createdAt = Timestamp.format(endpoint.createdAt)
        updatedAt = Timestamp.format(endpoint.updatedAt)
        self.secret = secret
    }

    enum CodingKeys: String, CodingKey {
        case id, url, description, enabled, ordered, headers, signing, secret
        case eventTypes = "event_types", disabledReason = "disabled_reason"
        case rateLimitPerSecond = "rate_limit_per_second", createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(url, forKey: .url)
        try c.encode(description, forKey: .description)
        try c.encode(eventTypes, forKey: .eventTypes)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(disabledReason, forKey: .disabledReason)
        try c.encode(rateLimitPerSecond, forKey: .rateLimitPerSecond)
        try c.encode(ordered, forKey: .ordered)
        try c.encode(headers, forKey: .headers)
        try c.encode(signing, forKey: .signing)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encodeIfPresent(secret, forKey: .secret)
    }
}

/// `GET …/webhooks/{id}/secret`: the current secret (`whsec_…`, or the `whsk_…` private key of a v1a endpoint).
struct WebhookSecretDTO: ResponseEncodable {
    var secret: String
}

/// `GET …/webhooks/{id}/public-key` of a v1a endpoint.
struct WebhookPublicKeyDTO: ResponseEncodable {
    var publicKey, publicKeyPEM: String

    init(_ key: WebhookPublicKey) {
        publicKey = key.encoded
        publicKeyPEM = key.pem
    }

    enum CodingKeys: String, CodingKey {
        case publicKey = "public_key", publicKeyPEM = "public_key_pem"
    }
}

/// `POST …/webhooks/{id}/test`.
struct WebhookTestResultDTO: ResponseEncodable {
    var success: Bool
    var jobId, deliveryId: String

    enum CodingKeys: String, CodingKey {
        case success
        case jobId = "job_id", deliveryId = "delivery_id"
    }
}

/// One attempt of a delivery.
struct DeliveryAttemptDTO: ResponseEncodable {
    var at: String
    var statusCode: Int?
    var durationMs: Int
    var error, responseExcerpt: String?

    init(_ attempt: JobAttempt) {
        at = Timestamp.format(attempt.startedAt)
        statusCode = attempt.statusCode
        durationMs = max(0, Int((attempt.duration.inSeconds * 1000).rounded()))
        error = attempt.error
        responseExcerpt = attempt.responseExcerpt
    }

    enum CodingKeys: String, CodingKey {
        case at, error
        case statusCode = "status_code", durationMs = "duration_ms", responseExcerpt = "response_excerpt"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(at, forKey: .at)
        try c.encode(statusCode, forKey: .statusCode)
        try c.encode(durationMs, forKey: .durationMs)
        try c.encode(error, forKey: .error)
        try c.encode(responseExcerpt, forKey: .responseExcerpt)
    }
}

/// One delivery of an event (or a test ping) to an endpoint.
struct WebhookDeliveryDTO: ResponseEncodable {
    var id, eventId, eventType: String
    var status: WebhookDeliveryStatus
    var attempts: [DeliveryAttemptDTO]
    var nextAttemptAt: String?

    init(_ delivery: WebhookDelivery) {
        id = String(delivery.id)
        eventId = delivery.eventId
        eventType = delivery.eventType
        status = delivery.status
        attempts = delivery.attempts.sorted { $0.attempt < $1.attempt }.map(DeliveryAttemptDTO.init)
        nextAttemptAt = delivery.nextAttemptAt.map(Timestamp.format)
    }

    enum CodingKeys: String, CodingKey {
        case id, status, attempts
        case eventId = "event_id", eventType = "event_type", nextAttemptAt = "next_attempt_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(eventId, forKey: .eventId)
        try c.encode(eventType, forKey: .eventType)
        try c.encode(status, forKey: .status)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(nextAttemptAt, forKey: .nextAttemptAt)
    }
}

/// `{deliveries, total, page, limit}`.
struct WebhookDeliveryPageDTO: ResponseEncodable {
    var deliveries: [WebhookDeliveryDTO]
    var total, page, limit: Int
}

/// `POST …/webhooks/{id}/replay`.
struct ReplayResultDTO: ResponseEncodable {
    var enqueued: Int
}
