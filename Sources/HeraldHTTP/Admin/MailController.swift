import Foundation
import HeraldCore
import Hummingbird

/// `POST /api/mail` (the SSO core's service keys: a templated mail, `Idempotency-Key` honoured), an
/// organization's delivery log (`GET …/mail`) and suppression list (`GET …/mail/suppressions`,
/// `DELETE …/mail/suppressions/{address}`).
struct MailController {
    let store: any HeraldStore
    let mailer: (any MailSending)?
    let wakeDeliveries: @Sendable () -> Void
    var access: Access { Access(store: store) }

    func addRoutes(to api: RouterGroup<AdminRequestContext>) {
        api.post("mail") { request, context in
            let principal = try context.requirePrincipal()
            guard principal.user.isService else { throw HeraldError.forbidden("Only service API keys may send mail") }
            let key = request.headers[.idempotencyKey]
            if let key, key.isEmpty || key.count > 200 {
                throw HeraldError(.invalidRequest, "Idempotency-Key must be 1 to 200 characters", field: "Idempotency-Key")
            }
            let mail = try await request.decode(as: SendMailBody.self, context: context).validated()
            guard let mailer else { throw HeraldError(.unavailable, "mail is not running in this process") }
            if let orgId = mail.orgId, try await store.organization(id: orgId) == nil {
                throw HeraldError.invalid("org_id", "Unknown organization \(orgId)")
            }
            try await mailer.validate(mail)
            let record = try await store.enqueueMail(
                mail, messageID: mailer.makeMessageID(), maxAttempts: mailer.maxAttempts, idempotencyKey: key,
                actorId: principal.user.id)
            wakeDeliveries()
            return Created(
                body: SendMailResultDTO(messageId: "<\(record.messageID)>", jobId: String(record.jobId)),
                status: .accepted)
        }
        api.get("organizations/{slug}/mail") { request, context in
            let organization = try await manage(request, context)
            let query = QueryReader(request)
            let page = try query.int("page", default: 1, in: 1...1_000_000)
            let limit = try query.int("limit", default: 20, in: 1...100)
            let mails = try await store.mails(orgId: organization.id, page: page, limit: limit)
            return MailPageDTO(mails: mails.items.map(MailRecordDTO.init), total: mails.total, page: page, limit: limit)
        }
        api.get("organizations/{slug}/mail/suppressions") { request, context in
            let organization = try await manage(request, context)
            return try await store.suppressions(orgId: organization.id).map(MailSuppressionDTO.init)
        }
        api.delete("organizations/{slug}/mail/suppressions/{address}") { request, context in
            let organization = try await manage(request, context)
            let address = try request.parameter("address", context).removingPercentEncoding ?? ""
            try await store.deleteSuppression(
                orgId: organization.id, address: address.lowercased(),
                actor: Access.actor(try context.requirePrincipal(), request, context))
            return HTTPResponse.Status.noContent
        }
    }

    private func manage(_ request: Request, _ context: AdminRequestContext) async throws -> Organization {
        try await access.organization(try request.parameter("slug", context), minimum: .admin, context).0
    }
}
