import Foundation
import HeraldCore

/// The admin API's side of mail (``MailSending``): the checks before `POST /api/mail` enqueues, the SMTP
/// `verify` of `PUT …/smtp?verify=true`, DKIM records and Message-IDs. Composes with the mailer's own code.
public struct MailService: MailSending {
    let mailer: Mailer
    let messageIDDomain: String
    public let maxAttempts: Int

    public init(mailer: Mailer, messageIDDomain: String, maxAttempts: Int) {
        self.mailer = mailer
        self.messageIDDomain = messageIDDomain
        self.maxAttempts = maxAttempts
    }

    public func validate(_ request: MailRequest) async throws {
        guard !request.to.isEmpty else { throw HeraldError.invalid("to", "to must name at least one address") }
        for address in request.to {
            do {
                _ = try MailAddress(address, field: "to")
            } catch {
                throw HeraldError.invalid("to", error.message)
            }
        }
        guard try await mailer.store.resolveEmailTemplate(
            orgId: request.orgId, name: request.template, language: request.language) != nil
        else {
            throw HeraldError.invalid("template", "no active template \(request.template) (\(request.language == "en" ? "en" : "\(request.language) or en"))")
        }
        let route: Mailer.Route
        do {
            route = try await mailer.route(for: request.orgId)
        } catch let refusal as Mailer.Refusal {
            throw HeraldError(.unavailable, "mail cannot be sent: \(refusal.message)")
        }
        // The template rendered and every header value checked, without building the MIME message (the mailer
        // builds it at send time).
        do {
            let message = try await mailer.message(
                for: PendingMail(id: "check", messageID: makeMessageID(), request: request, pending: request.to),
                route: route)
            try message.validate()
        } catch let refusal as Mailer.Refusal {
            let field = refusal.message.contains("variables") ? "variables" : "template"
            throw HeraldError.invalid(field, refusal.message)
        } catch let error as MailError {
            throw HeraldError.invalid(error.field == "subject" ? "variables" : "template", "\(error)")
        }
    }

    public func verify(_ settings: SmtpSettingsInput, password: String?) async -> SmtpVerifyResult {
        var server = mailer.routing.server(settings, password: password)
        do {
            server.connectAddresses = try await mailer.vet(
                settings.host, port: settings.port, plain: settings.security == .none)
        } catch let refusal as Mailer.Refusal {
            return SmtpVerifyResult(ok: false, message: refusal.message)
        } catch {
            return SmtpVerifyResult(ok: false, message: "\(error)")
        }
        let result = await mailer.transport.verify(server)
        return SmtpVerifyResult(ok: result.ok, message: result.message)
    }

    public func dkimRecord(algorithm: String, privateKeyPEM: String) throws -> String {
        guard let algorithm = DKIMAlgorithm(rawValue: algorithm) else {
            throw HeraldError.invalid("algorithm", "algorithm must be rsa-sha256 or ed25519-sha256")
        }
        do {
            return try DKIMKey(algorithm: algorithm, privateKeyPEM: privateKeyPEM).dnsRecord
        } catch {
            throw HeraldError.invalid("private_key_pem", "\(error)")
        }
    }

    public func checkTemplate(_ template: EmailTemplate) throws {
        try MailTemplateRenderer.check(
            subject: template.subject, htmlBody: template.htmlBody, textBody: template.textBody,
            variables: template.variables)
    }

    public func makeMessageID() -> String {
        MailMessage.makeMessageID(domain: messageIDDomain)
    }
}
