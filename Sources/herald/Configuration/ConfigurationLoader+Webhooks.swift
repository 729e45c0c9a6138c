import HeraldCore

extension ConfigurationLoader {
    /// The most entries `webhooks.retry_schedule_seconds` may hold.
    static let maximumRetryScheduleCount = 50

    /// Reads the `webhooks.*` keys over `webhooks`' defaults; each bad value is a problem and keeps the default.
    static func readWebhooks(_ reader: inout Reader, into webhooks: inout WebhooksConfiguration) {
        if let entries = reader.list(.webhookRetrySchedule) {
            var schedule: [Double] = []
            var valid = true
            for entry in entries {
                guard let value = Double(entry), value.isFinite, value > 0 else {
                    reader.problem(.webhookRetrySchedule, "\"\(entry)\" must be a number of seconds, more than 0")
                    valid = false
                    continue
                }
                schedule.append(value)
            }
            if entries.count > maximumRetryScheduleCount {
                reader.problem(
                    .webhookRetrySchedule,
                    "holds \(entries.count) delays; at most \(maximumRetryScheduleCount) are allowed")
                valid = false
            }
            if valid { webhooks.retryScheduleSeconds = schedule }
        }
        if let value = reader.number(.webhookRetryJitter, in: 0...1, requirement: "a fraction from 0 to 1") {
            webhooks.retryJitter = value
        }
        if let value = reader.number(.webhookRequestTimeout, in: 0.001...3600, requirement: "a number of seconds, more than 0 and at most 3600") {
            webhooks.requestTimeoutSeconds = value
        }
        if let value = reader.number(.webhookConnectTimeout, in: 0.001...3600, requirement: "a number of seconds, more than 0 and at most 3600") {
            webhooks.connectTimeoutSeconds = value
        }
        if webhooks.connectTimeoutSeconds > webhooks.requestTimeoutSeconds {
            reader.problem(
                .webhookConnectTimeout,
                "\(webhooks.connectTimeoutSeconds) s must not exceed webhooks.request_timeout_seconds "
                    + "(\(webhooks.requestTimeoutSeconds) s)", namingSource: false)
        }
        if let value = reader.number(.webhookAutoDisableAfter, in: 1...Double(Int32.max), requirement: "a number of seconds, 1 or more") {
            webhooks.autoDisableAfterSeconds = value
        }
        if let value = reader.number(.webhookRotationGrace, in: 0...Double(Int32.max), requirement: "a number of seconds, 0 or more") {
            webhooks.rotationGraceSeconds = value
        }
        if let value = reader.integer(.webhookConcurrencyPerEndpoint, minimum: 1) {
            webhooks.concurrencyPerEndpoint = value
        }
        if let value = reader.integer(.webhookWorkers, minimum: 1) { webhooks.workers = value }
    }

    /// Reads the `retention.*` keys over `retention`'s defaults.
    static func readRetention(_ reader: inout Reader, into retention: inout RetentionConfiguration) {
        let longest = Double(Int32.max)
        if let value = reader.number(.retentionFinishedJobs, in: 0...longest, requirement: "a number of seconds, 0 or more") {
            retention.finishedJobsSeconds = value
        }
        if let value = reader.number(.retentionEvents, in: 0...longest, requirement: "a number of seconds, 0 (keep forever) or more") {
            retention.eventsSeconds = value
        }
        if let value = reader.number(.retentionInterval, in: 1...longest, requirement: "a number of seconds, 1 or more") {
            retention.intervalSeconds = value
        }
    }
}

extension ConfigurationLoader.Reader {
    /// A finite number inside `range`; otherwise a problem saying it must be `requirement`.
    mutating func number(_ key: ConfigurationKey, in range: ClosedRange<Double>, requirement: String) -> Double? {
        guard let text = nonEmptyString(key) else { return nil }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            problem(key, "\"\(text)\" must be \(requirement)")
            return nil
        }
        return value
    }
}
