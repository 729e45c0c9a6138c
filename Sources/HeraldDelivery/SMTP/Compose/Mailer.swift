import Foundation
import HeraldCore
import Logging

/// Runs jobs of kind `mail.send`: one mail (payload: its id) to each of its recipients still pending, one SMTP
/// transaction per recipient, through the organization's own server or the platform relay.
///
/// Each recipient's outcome is recorded as soon as the server answers, so a retry never sends again to one that
/// accepted; the Message-ID is the mail's own, the same on every attempt (a re-send after a crash between the
/// server's 250 and its record is a recognisable duplicate). A 5xx is a bounce: the address is suppressed and
/// `mail.bounced` recorded. 4xx, connection failures and timeouts retry on the mail schedule; after the last
/// attempt the recipients left are `failed`. A mail that cannot be composed (no relay, no template, a missing
/// variable) is dead with the reason.
public struct Mailer: JobHandler {
    let store: any MailStore
    let transport: SMTPTransport
    let routing: MailRouting
    let addressGuard: OutboundAddressGuard
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        store: any MailStore, transport: SMTPTransport, routing: MailRouting, addressGuard: OutboundAddressGuard,
        logger: Logger = Logger(label: "herald.mail"), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.transport = transport
        self.routing = routing
        self.addressGuard = addressGuard
        self.logger = logger
        self.now = now
    }

    /// What a send goes through and how the message is made.
    struct Route: Sendable {
        var server: SMTPServer
        var from: MailAddress
        var replyTo: String?
        var signer: DKIMSigner?
    }

    struct Refusal: Error {
        var message: String
    }

    public func handle(_ lease: JobLease) async -> JobOutcome {
        let startedAt = now()
        var logger = self.logger
        logger[metadataKey: "job.id"] = "\(lease.job.id)"
        func attempt(_ outcome: JobAttempt.Outcome, code: Int? = nil, error: String? = nil, excerpt: String? = nil)
            -> JobAttempt
        {
            JobAttempt(
                lease, startedAt: startedAt, now: now(), outcome: outcome, statusCode: code, error: error,
                responseExcerpt: excerpt)
        }
        let mailId = String(decoding: lease.job.payload, as: UTF8.self)
        let mail: PendingMail
        do {
            guard let found = try await store.pendingMail(id: mailId) else {
                return .success(attempt(.success, error: "the mail was deleted"))
            }
            mail = found
        } catch {
            logger.error("cannot load the mail", metadata: ["error": "\(error)"])
            return .retry(after: nil, attempt(.failure, error: "cannot load the mail"))
        }
        guard !mail.pending.isEmpty else {
            try? await store.recordMailSent(mailId: mail.id)
            return .success(attempt(.success, error: "no recipient left"))
        }
        let bytes: [UInt8]
        let route: Route
        do {
            route = try await self.route(for: mail.request.orgId)
            bytes = try await compose(mail, route: route)
        } catch let refusal as Refusal {
            return .dead(reason: refusal.message, attempt(.dead, error: refusal.message))
        } catch {
            logger.error("cannot prepare the mail", metadata: ["error": "\(error)"])
            return .retry(after: nil, attempt(.failure, error: "cannot prepare the mail: \(error)"))
        }
        var replies: [String] = []
        var transient: [(String, String)] = []
        var lastCode: Int?
        // The last recipient's outcome and `mail.sent` are one write when no earlier recipient is left to retry.
        var finished = false
        for (index, recipient) in mail.pending.enumerated() {
            if Task.isCancelled { break }
            let outcome = await transport.send(bytes, from: route.from.address, to: recipient, via: route.server)
            lastCode = outcome.reply?.code ?? lastCode
            let finishes = index == mail.pending.count - 1 && transient.isEmpty
            do {
                switch outcome {
                case .accepted(let reply):
                    try await store.recordMailRecipient(
                        mailId: mail.id, address: recipient, status: .accepted, reply: reply.description,
                        finishesMail: finishes)
                    finished = finishes
                    replies.append("\(recipient): \(reply)")
                case .permanent(let reply, let text):
                    // A refusal of the sender (MAIL FROM) or one Herald made itself says nothing about the
                    // recipient: failed, not bounced, and the address is not suppressed.
                    let aboutSender = text.contains("refused MAIL FROM") || reply.text.contains("refused by Herald")
                    try await store.recordMailRecipient(
                        mailId: mail.id, address: recipient, status: aboutSender ? .failed : .bounced,
                        reply: "\(reply) (\(text))", finishesMail: finishes)
                    finished = finishes
                    replies.append("\(recipient): \(reply)")
                case .transient(let reply, let text):
                    let description = reply.map { "\($0) (\(text))" } ?? text
                    transient.append((recipient, description))
                    replies.append("\(recipient): \(description)")
                }
            } catch {
                // The answer is not recorded: retry the mail (an accepted recipient may get a duplicate, with
                // the same Message-ID).
                logger.error("cannot record a recipient's outcome", metadata: ["error": "\(error)"])
                transient.append((recipient, "outcome not recorded"))
            }
        }
        let excerpt = String(replies.joined(separator: "\n").prefix(4096))
        guard transient.isEmpty else {
            let error = "\(transient.count) recipient(s) not accepted yet: \(transient.first?.1 ?? "")"
            if lease.attempt >= lease.job.maxAttempts {
                for (index, (recipient, reason)) in transient.enumerated() {
                    try? await store.recordMailRecipient(
                        mailId: mail.id, address: recipient, status: .failed, reply: "gave up: \(reason)",
                        finishesMail: index == transient.count - 1)
                }
                return .dead(reason: error, attempt(.dead, code: lastCode, error: error, excerpt: excerpt))
            }
            return .retry(after: nil, attempt(.failure, code: lastCode, error: error, excerpt: excerpt))
        }
        if !finished { try? await store.recordMailSent(mailId: mail.id) }
        return .success(attempt(.success, code: lastCode, excerpt: excerpt))
    }

    /// The organization's own server (its host vetted like any outbound address) or the relay.
    func route(for orgId: String?) async throws -> Route {
        if let orgId, let settings = try await store.smtpSettings(orgId: orgId) {
            let addresses = try await vet(settings.host, port: settings.port, plain: settings.security == .none)
            var signer: DKIMSigner?
            if let (dkim, pem) = try await store.dkimKey(orgId: orgId), let algorithm = DKIMAlgorithm(rawValue: dkim.algorithm) {
                do {
                    signer = DKIMSigner(
                        domain: dkim.domain, selector: dkim.selector, key: try DKIMKey(algorithm: algorithm, privateKeyPEM: pem))
                } catch {
                    throw Refusal(message: "the organization's DKIM key cannot be used: \(error)")
                }
            }
            let from: MailAddress
            do {
                from = try MailAddress(settings.fromAddress, name: settings.fromName, field: "from_address")
            } catch {
                throw Refusal(message: "the organization's from_address cannot be used: \(error)")
            }
            var server = routing.server(settings, password: try await store.smtpPassword(orgId: orgId))
            server.connectAddresses = addresses
            return Route(server: server, from: from, replyTo: settings.replyTo, signer: signer)
        }
        guard let relay = routing.relay else {
            throw Refusal(message: "no SMTP relay is configured (smtp.relay) and the organization has no SMTP settings")
        }
        guard let from = routing.relayFrom else { throw Refusal(message: "smtp.from is not configured") }
        return Route(server: relay, from: from, replyTo: nil, signer: routing.relaySigner)
    }

    /// Refuses an organization's SMTP host in a private or reserved range unless allow-listed (plain SMTP only
    /// to allow-listed hosts).
    /// - Returns: the vetted addresses, which the connection must use (``SMTPServer/connectAddresses``), sorted so
    ///   that a round-robin DNS answer does not make a new connection pool key at every mail.
    func vet(_ host: String, port: Int, plain: Bool) async throws -> [String] {
        let name = host.contains(":") ? "[\(host)]" : host
        do {
            return try await addressGuard.vet("\(plain ? "http" : "https")://\(name):\(port)/").addresses.sorted()
        } catch let error as HeraldError {
            throw Refusal(message: error.message.replacingOccurrences(of: "outbound URL refused", with: "SMTP host refused"))
        }
    }

    /// The rendered (and, with a key, DKIM-signed) message.
    func compose(_ mail: PendingMail, route: Route) async throws -> [UInt8] {
        let message = try await self.message(for: mail, route: route)
        do {
            let bytes = try message.rendered()
            guard let signer = route.signer else { return bytes }
            return try signer.sign(bytes, now: now())
        } catch let error as HeraldError {
            throw Refusal(message: error.message)
        } catch {
            throw Refusal(message: "the mail cannot be composed: \(error)")
        }
    }

    /// The message of `mail` before MIME: its template rendered, its sender and recipients, checked by
    /// ``MailMessage/validate()`` when the mail is accepted and again by `rendered()` when it is sent.
    func message(for mail: PendingMail, route: Route) async throws -> MailMessage {
        let request = mail.request
        guard let template = try await store.resolveEmailTemplate(
            orgId: request.orgId, name: request.template, language: request.language)
        else { throw Refusal(message: "no active template \(request.template) (\(request.language == "en" ? "en" : "\(request.language) or en"))") }
        do {
            let rendered = try MailTemplateRenderer.render(template, variables: request.variables)
            var from = route.from
            if let shipper = template.shipperEmail, !shipper.isEmpty {
                from = try MailAddress(shipper, name: template.shipperName ?? route.from.name, field: "shipper_email")
            }
            let replyText = template.responseEmail.flatMap { $0.isEmpty ? nil : $0 } ?? route.replyTo
            let replyTo = try replyText.map { try MailAddress($0, field: "reply_to") }
            return MailMessage(
                from: from, replyTo: replyTo, to: try mail.pending.map { try MailAddress($0, field: "to") },
                subject: rendered.subject, text: rendered.text, html: rendered.html, messageID: mail.messageID,
                date: now())
        } catch let error as HeraldError {
            throw Refusal(message: error.message)
        } catch {
            throw Refusal(message: "the mail cannot be composed: \(error)")
        }
    }
}
