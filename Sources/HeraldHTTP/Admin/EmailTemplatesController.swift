import Foundation
import HeraldCore
import Hummingbird

/// `/api/platform/email-templates…` (platform owners: the defaults every organization falls back to) and
/// `/api/organizations/{slug}/email-templates…` (admins and the owner: the organization's overrides).
struct EmailTemplatesController {
    let store: any HeraldStore
    /// Checks a template's Mustache and declared variables before it is stored (nil: not checked).
    let mailer: (any MailSending)?
    var access: Access { Access(store: store) }

    func addRoutes(to api: RouterGroup<AdminRequestContext>) {
        addRoutes(to: api, prefix: "platform/email-templates") { _, context in
            (nil, try access.platformOwner(context))
        }
        addRoutes(to: api, prefix: "organizations/{slug}/email-templates") { request, context in
            let (organization, _, principal) = try await access.organization(
                try request.parameter("slug", context), minimum: .admin, context)
            return (organization.id, principal)
        }
    }

    private func addRoutes(
        to api: RouterGroup<AdminRequestContext>, prefix: String,
        scope: @escaping @Sendable (Request, AdminRequestContext) async throws -> (String?, Principal)
    ) {
        api.get(RouterPath(prefix)) { request, context in
            let (orgId, _) = try await scope(request, context)
            let query = QueryReader(request)
            let page = try await store.emailTemplates(
                orgId: orgId,
                EmailTemplateQuery(
                    search: try query.string("search"), type: try query.string("type", maxLength: 50),
                    language: try query.string("language", maxLength: 12),
                    page: try query.int("page", default: 1, in: 1...1_000_000),
                    limit: try query.int("limit", default: 20, in: 1...100)))
            return EmailTemplatePageDTO(templates: page.items.map(EmailTemplateDTO.init), total: page.total)
        }
        api.post(RouterPath(prefix)) { request, context in
            let (orgId, principal) = try await scope(request, context)
            let fields = try MailInput.template(
                try await request.decode(as: EmailTemplateBody.self, context: context), creating: true)
            try mailer?.checkTemplate(preview(fields, orgId: orgId))
            let template = try await store.createEmailTemplate(
                orgId: orgId, fields, actor: Access.actor(principal, request, context))
            return Created(body: EmailTemplateDTO(template: template))
        }
        api.get(RouterPath(prefix + "/{id}")) { request, context in
            let (orgId, _) = try await scope(request, context)
            return EmailTemplateDTO(
                template: try await store.emailTemplate(orgId: orgId, id: try request.parameter("id", context)))
        }
        api.patch(RouterPath(prefix + "/{id}")) { request, context in
            let (orgId, principal) = try await scope(request, context)
            let id = try request.parameter("id", context)
            let current = try await store.emailTemplate(orgId: orgId, id: id)
            let fields = try MailInput.template(
                try await request.decode(as: EmailTemplateBody.self, context: context), creating: false)
            try mailer?.checkTemplate(preview(fields, orgId: orgId, over: current))
            return EmailTemplateDTO(
                template: try await store.updateEmailTemplate(
                    orgId: orgId, id: id, fields, actor: Access.actor(principal, request, context)))
        }
        api.delete(RouterPath(prefix + "/{id}")) { request, context in
            let (orgId, principal) = try await scope(request, context)
            try await store.deleteEmailTemplate(
                orgId: orgId, id: try request.parameter("id", context), actor: Access.actor(principal, request, context))
            return HTTPResponse.Status.noContent
        }
        api.post(RouterPath(prefix + "/{id}/toggle")) { request, context in
            let (orgId, principal) = try await scope(request, context)
            let id = try request.parameter("id", context)
            let current = try await store.emailTemplate(orgId: orgId, id: id)
            return EmailTemplateDTO(
                template: try await store.updateEmailTemplate(
                    orgId: orgId, id: id, EmailTemplateFields(isActive: !current.isActive),
                    actor: Access.actor(principal, request, context)))
        }
    }

    /// The template the fields would make (over the current one on update), for the Mustache check.
    private func preview(_ fields: EmailTemplateFields, orgId: String?, over current: EmailTemplate? = nil)
        -> EmailTemplate
    {
        let now = Date()
        return EmailTemplate(
            id: current?.id ?? "new", orgId: orgId, name: fields.name ?? current?.name ?? "",
            type: fields.type ?? current?.type ?? "custom", subject: fields.subject ?? current?.subject ?? "",
            htmlBody: fields.htmlBody ?? current?.htmlBody ?? "", textBody: fields.textBody ?? current?.textBody,
            shipperName: nil, shipperEmail: nil, responseEmail: nil, language: fields.language ?? current?.language ?? "en",
            variables: fields.variables ?? current?.variables ?? [], description: nil, isActive: true, createdAt: now,
            updatedAt: now)
    }
}
