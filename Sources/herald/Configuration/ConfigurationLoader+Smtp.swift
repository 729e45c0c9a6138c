import Foundation
import HeraldCore

extension ConfigurationLoader {
    /// Reads the `smtp.*` keys over `smtp`'s defaults; each bad value is a problem and keeps the default.
    static func readSmtp(_ reader: inout Reader, into smtp: inout SmtpConfiguration) {
        if let value = reader.nonEmptyString(.smtpRelay) {
            if SmtpRelay(url: value) == nil {
                reader.problem(
                    .smtpRelay,
                    "must be smtp://[user:pass@]host[:port], smtps://… or smtp+plain://host[:port]", namingSource: true)
            } else {
                smtp.relay = value
            }
        }
        if let value = reader.nonEmptyString(.smtpFrom) { smtp.from = value }
        if let value = reader.nonEmptyString(.smtpCAFile) { smtp.caFile = value }
        if let entries = reader.list(.smtpRetrySchedule) {
            let schedule = entries.compactMap { Double($0) }.filter { $0.isFinite && $0 > 0 }
            if schedule.count != entries.count || entries.isEmpty || entries.count > 100 {
                reader.problem(.smtpRetrySchedule, "must be 1 to 100 numbers of seconds, each more than 0")
            } else {
                smtp.retryScheduleSeconds = schedule
            }
        }
        if let value = reader.number(.smtpTimeout, in: 0.001...3600, requirement: "a number of seconds, more than 0 and at most 3600") {
            smtp.timeoutSeconds = value
        }
        if let value = reader.number(.smtpConnectTimeout, in: 0.001...3600, requirement: "a number of seconds, more than 0 and at most 3600") {
            smtp.connectTimeoutSeconds = value
        }
        if let value = reader.integer(.smtpWorkers, minimum: 1) { smtp.workers = value }
        if let value = reader.integer(.smtpConnectionsPerServer, minimum: 1) { smtp.connectionsPerServer = value }
        if let value = reader.nonEmptyString(.smtpMessageIDDomain) { smtp.messageIDDomain = value }
        if let value = reader.nonEmptyString(.smtpInvitationURL) { smtp.invitationURL = value }
        if let value = reader.nonEmptyString(.smtpDKIMDomain) { smtp.dkimDomain = value }
        if let value = reader.nonEmptyString(.smtpDKIMSelector) { smtp.dkimSelector = value }
        if let value = reader.nonEmptyString(.smtpDKIMAlgorithm) {
            if ["rsa-sha256", "ed25519-sha256"].contains(value) {
                smtp.dkimAlgorithm = value
            } else {
                reader.problem(.smtpDKIMAlgorithm, "\"\(value)\" must be rsa-sha256 or ed25519-sha256")
            }
        }
        if let value = reader.nonEmptyString(.smtpDKIMKeyFile) { smtp.dkimKeyFile = value }
        if !smtp.dkimDomain.isEmpty && (smtp.dkimSelector.isEmpty || smtp.dkimKeyFile.isEmpty) {
            reader.problem(.smtpDKIMDomain, "needs smtp.dkim_selector and smtp.dkim_key_file too", namingSource: false)
        }
    }
}
