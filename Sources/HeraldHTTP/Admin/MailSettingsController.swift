import Foundation
import HeraldCore
import Hummingbird

/// `/api/organizations/{slug}/smtp` (the organization's own SMTP server; `?verify=true` checks it first) and
/// `…/smtp/dkim` (its DKIM key; answers the DNS record to publish). Admins and the owner.
struct MailSettingsController {
    let store: any HeraldStore
    let configuration: HeraldConfiguration
    let mailer: (any MailSending)?
    var access: Access { Access(store: store) }

    func addRoutes(to api: RouterGroup<AdminRequestContext>) {
        let allowlist = configuration.outboundAllowlist
        api.get("organizations/{slug}/smtp") { request, context in
            let organization = try await manage(request, context)
            guard let settings = try await store.smtpSettings(orgId: organization.id) else {
                throw HeraldError.notFound("SMTP settings")
            }
            return SmtpSettingsDTO(settings: settings)
        }
        api.put("organizations/{slug}/smtp") { request, context in
            let organization = try await manage(request, context)
            let principal = try context.requirePrincipal()
            let input = try MailInput.smtp(
                try await request.decode(as: SmtpSettingsBody.self, context: context), allowlist: allowlist)
            let verify = try QueryReader(request).string("verify", maxLength: 5)
            guard verify == nil || verify == "true" || verify == "false" else {
                throw HeraldError(.invalidQuery, "verify must be true or false", field: "verify")
            }
            if verify == "true" {
                guard let mailer else { throw HeraldError(.unavailable, "mail is not running in this process") }
                var password = input.password
                if password == nil { password = try await store.smtpPassword(orgId: organization.id) }
                let result = await mailer.verify(input, password: password)
                guard result.ok else { throw HeraldError(.smtpVerifyFailed, result.message) }
            }
            return SmtpSettingsDTO(
                settings: try await store.putSmtpSettings(
                    orgId: organization.id, input, actor: Access.actor(principal, request, context)))
        }
        api.delete("organizations/{slug}/smtp") { request, context in
            let organization = try await manage(request, context)
            try await store.deleteSmtpSettings(
                orgId: organization.id, actor: Access.actor(try context.requirePrincipal(), request, context))
            return HTTPResponse.Status.noContent
        }
        api.get("organizations/{slug}/smtp/dkim") { request, context in
            let organization = try await manage(request, context)
            guard let settings = try await store.dkimSettings(orgId: organization.id) else {
                throw HeraldError.notFound("DKIM key")
            }
            return DkimDTO(settings: settings)
        }
        api.put("organizations/{slug}/smtp/dkim") { request, context in
            let organization = try await manage(request, context)
            let body = try await request.decode(as: DkimBody.self, context: context)
            for (field, value) in [("domain", body.domain), ("selector", body.selector)] {
                guard (1...253).contains(value.count),
                    value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }),
                    !value.hasPrefix("."), !value.hasSuffix("."), !value.contains("..")
                else { throw HeraldError.invalid(field, "\(field) must be a DNS name (ASCII letters, digits, - and .)") }
            }
            guard body.privateKeyPEM.utf8.count <= 16_384 else {
                throw HeraldError.invalid("private_key_pem", "private_key_pem must be at most 16 KiB")
            }
            guard let mailer else { throw HeraldError(.unavailable, "mail is not running in this process") }
            let algorithm = body.algorithm ?? "rsa-sha256"
            let record = try mailer.dkimRecord(algorithm: algorithm, privateKeyPEM: body.privateKeyPEM)
            let settings = DkimSettings(
                orgId: organization.id, domain: body.domain.lowercased(), selector: body.selector.lowercased(),
                algorithm: algorithm, dnsRecord: record, createdAt: Date())
            return DkimDTO(
                settings: try await store.putDkimSettings(
                    orgId: organization.id, settings, privateKeyPEM: body.privateKeyPEM,
                    actor: Access.actor(try context.requirePrincipal(), request, context)))
        }
        api.delete("organizations/{slug}/smtp/dkim") { request, context in
            let organization = try await manage(request, context)
            try await store.deleteDkimSettings(
                orgId: organization.id, actor: Access.actor(try context.requirePrincipal(), request, context))
            return HTTPResponse.Status.noContent
        }
    }

    private func manage(_ request: Request, _ context: AdminRequestContext) async throws -> Organization {
        try await access.organization(try request.parameter("slug", context), minimum: .admin, context).0
    }
}
