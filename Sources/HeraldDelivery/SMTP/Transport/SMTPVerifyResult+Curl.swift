import Foundation
import CCurl

extension SMTPVerifyResult {
    /// The result of a session check (greeting, EHLO, STARTTLS, AUTH, NOOP).
    init(curlCode code: CURLcode, transcript: SMTPTranscript, detail: String, server: SMTPServer) {
        let lastReply = transcript.last?.reply
        guard code == CURLE_OK else {
            let message = SMTPFailureText.describe(code: code, detail: detail, transcript: transcript, server: server)
            self.init(ok: false, message: message, reply: lastReply)
            return
        }
        let address = "\(server.host):\(server.port)"
        let tls = switch server.security {
        case .starttls: "STARTTLS"
        case .tls: "implicit TLS"
        case .none: "no TLS"
        }
        guard server.hasCredentials else {
            self.init(ok: true, message: "connected to \(address) (\(tls)); no credentials given, so no AUTH", reply: lastReply)
            return
        }
        // curl skips AUTH silently when the server advertises none.
        guard let authReply = transcript.reply(to: .auth) else {
            let ehlo = transcript.reply(to: .ehlo).map { " (EHLO: \($0.text.replacingOccurrences(of: "\n", with: ", ")))" } ?? ""
            self.init(
                ok: false, message: "\(address) offers no AUTH, so the credentials cannot be used\(ehlo)", reply: lastReply)
            return
        }
        let user = server.username ?? ""
        self.init(ok: true, message: "connected to \(address) (\(tls)) and authenticated as \(user): \(authReply)", reply: authReply)
    }
}
