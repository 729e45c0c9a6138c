import Foundation
import CCurl

/// One clear sentence for a failed curl SMTP transfer, quoting the server when it answered.
enum SMTPFailureText {
    /// - Parameters:
    ///   - code: curl's result.
    ///   - detail: curl's error buffer (or the code's generic text).
    ///   - transcript: the replies of the transfer.
    ///   - recipient: the recipient of a send, named when the server refuses it.
    static func describe(
        code: CURLcode, detail: String, transcript: SMTPTranscript, server: SMTPServer, recipient: String? = nil
    ) -> String {
        let address = "\(server.host):\(server.port)"
        let refusal = transcript.lastRefusal
        switch code {
        case CURLE_LOGIN_DENIED:
            if let refusal, refusal.command == .auth {
                return "authentication failed: \(address) rejected the user name or password (\(refusal.reply))"
            }
            let offered = transcript.offeredMechanisms
            let offers = offered.isEmpty ? "" : " (it offers \(offered.joined(separator: " ")))"
            if let mechanism = server.authMechanism ?? (server.oauthToken != nil ? "XOAUTH2" : nil) {
                return "authentication failed: \(address) does not offer AUTH \(mechanism)\(offers)"
            }
            return "authentication failed: \(address) offers no AUTH mechanism that Herald can use\(offers)"
        case CURLE_USE_SSL_FAILED:
            if !transcript.sent.contains(.starttls) {
                return "\(address) does not offer STARTTLS, which security mode starttls requires "
                    + "(for implicit TLS, usually on port 465, use security tls)"
            }
            return "\(address) refused STARTTLS" + (refusal.map { ": \($0.reply)" } ?? " (\(detail))")
        case CURLE_PEER_FAILED_VERIFICATION:
            let against = server.caPEM == nil ? "the system CA bundle (give the CA certificate if the server uses a private CA)"
                : "the CA certificate given"
            return "the TLS certificate of \(address) is not trusted: \(detail); checked against \(against)"
        case CURLE_SSL_CACERT_BADFILE:
            return "the CA certificate given for \(address) cannot be used: \(detail)"
        case CURLE_SSL_CONNECT_ERROR:
            let hint = server.security == .tls ? " (does this port speak implicit TLS? for STARTTLS use security starttls)" : ""
            return "the TLS handshake with \(address) failed: \(detail)\(hint)"
        case CURLE_COULDNT_RESOLVE_HOST:
            return "cannot resolve the SMTP host \(server.host): \(detail)"
        case CURLE_COULDNT_CONNECT:
            let reason = transcript.notes.last { $0.contains("failed:") }.flatMap { $0.split(separator: ":").last }
                .map { $0.trimmingCharacters(in: .whitespaces) }
            return "cannot connect to \(address): " + (reason.map { "\($0)" } ?? detail)
        case CURLE_OPERATION_TIMEDOUT:
            if transcript.exchanges.isEmpty {
                guard transcript.connected else { return "timed out connecting to \(address) (\(detail))" }
                let hint = server.security == .tls ? ""
                    : " (a port for implicit TLS, usually 465, waits for the TLS handshake first: use security tls)"
                return "timed out waiting for the greeting of \(address)\(hint) (\(detail))"
            }
            return "timed out waiting for the reply to \(transcript.step.name) on \(address) (\(detail))"
        default:
            break
        }
        if let refusal {
            let whom = refusal.command == .rcpt ? recipient.map { " <\($0)>" } ?? "" : ""
            return "\(address) refused \(refusal.command.name)\(whom): \(refusal.reply)"
        }
        switch code {
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            return "the connection to \(address) broke during \(transcript.step.name): \(detail)"
        default:
            return "SMTP with \(address) failed during \(transcript.step.name): \(detail)"
        }
    }
}
