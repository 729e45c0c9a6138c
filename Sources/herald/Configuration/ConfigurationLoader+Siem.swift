import HeraldCore

extension ConfigurationLoader {
    /// The most entries `siem.retry_schedule_seconds` may hold.
    static let maximumSiemRetryScheduleCount = 50

    /// Reads the `siem.*` keys over `siem`'s defaults; each bad value is a problem and keeps the default.
    static func readSiem(_ reader: inout Reader, into siem: inout SiemConfiguration) {
        if let value = reader.nonEmptyString(.siemConnectorsDirectory) { siem.connectorsDirectory = value }
        if let value = reader.number(.siemRequestTimeout, in: 0.001...3600, requirement: "a number of seconds, more than 0 and at most 3600") {
            siem.requestTimeoutSeconds = value
        }
        if let value = reader.number(.siemConnectTimeout, in: 0.001...3600, requirement: "a number of seconds, more than 0 and at most 3600") {
            siem.connectTimeoutSeconds = value
        }
        if let value = reader.number(.siemFlushDelay, in: 0...60_000, requirement: "a number of milliseconds from 0 to 60000") {
            siem.flushDelayMilliseconds = value
        }
        if let entries = reader.list(.siemRetrySchedule) {
            let schedule = entries.compactMap { Double($0) }.filter { $0.isFinite && $0 > 0 }
            if schedule.count != entries.count || entries.isEmpty || entries.count > maximumSiemRetryScheduleCount {
                reader.problem(
                    .siemRetrySchedule,
                    "must be 1 to \(maximumSiemRetryScheduleCount) numbers of seconds, each more than 0")
            } else {
                siem.retryScheduleSeconds = schedule
            }
        }
        if let value = reader.integer(.siemWorkers, minimum: 1) { siem.workers = value }
    }
}
