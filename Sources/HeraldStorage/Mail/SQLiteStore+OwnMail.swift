import Foundation
import GRDB
import HeraldCore

/// The mails the store enqueues in the same transaction as the change they tell of: an invitation (with its
/// accept token, which exists only here), an organization's approval or rejection (to its owner), and a webhook
/// endpoint that Herald disabled (to the organization's owners and admins).
extension SQLiteStore {
    /// Stores and enqueues a mail in the caller's transaction; does nothing without ``mail`` settings.
    func enqueueOwnMail(_ request: MailRequest, now: Date, in db: Database) throws {
        guard let mail, let sealer, !request.to.isEmpty else { return }
        let id = Identifier.make()
        let sealed = try sealer.seal(
            StorageJSON.text(request.variables), context: SealingContext(purpose: Self.mailVariablesPurpose, recordID: id))
        try Self.insertMail(
            id: id, request, messageID: "\(Identifier.make())@\(mail.messageIDDomain)", sealedVariables: sealed,
            destination: try Self.mailDestination(orgId: request.orgId, in: db), maxAttempts: mail.maxAttempts,
            now: now.millisecondsSince1970, in: db)
    }

    /// The job destination of a scope's mail (its SMTP server: caps and breakers are per server).
    static func mailDestination(orgId: String?, in db: Database) throws -> String {
        if let orgId,
            let row = try Row.fetchOne(db, sql: "SELECT host, port FROM smtp_settings WHERE org_id = ?", arguments: [orgId])
        {
            let host: String = row["host"]
            let port: Int = row["port"]
            return "smtp:\(host.lowercased()):\(port)"
        }
        return "smtp:relay"
    }

    /// The addresses of an organization's members with at least `role`.
    static func memberAddresses(orgId: String, minimum role: Role, in db: Database) throws -> [String] {
        let roles = [Role.owner, .admin, .member].filter { $0.allows(role) }.map(\.rawValue)
        return try String.fetchAll(
            db,
            sql: """
                SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
                WHERE m.org_id = ? AND m.role IN (SELECT value FROM json_each(?)) ORDER BY u.email
                """,
            arguments: [orgId, try StorageJSON.text(roles)])
    }

    func enqueueInvitationMail(
        _ invitation: InvitationRecord, token: String, organization: OrganizationRecord, actor: Actor, now: Date,
        in db: Database
    ) throws {
        guard let mail else { return }
        var variables = [
            "organization_name": organization.name, "organization_slug": organization.slug,
            "role": invitation.role, "inviter_email": actor.email ?? "", "token": token,
            "expires_at": Timestamp.format(Date(millisecondsSince1970: invitation.expiresAt)),
            "message": invitation.message ?? "", "accept_url": "",
        ]
        if !mail.invitationURL.isEmpty {
            variables["accept_url"] = mail.invitationURL
                + (token.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? token)
        }
        try enqueueOwnMail(
            MailRequest(orgId: organization.id, template: "invitation", to: [invitation.email], variables: variables),
            now: now, in: db)
    }

    func enqueueDecisionMail(_ organization: OrganizationRecord, approved: Bool, reason: String?, now: Date, in db: Database)
        throws
    {
        let owners = try Self.memberAddresses(orgId: organization.id, minimum: .owner, in: db)
        try enqueueOwnMail(
            MailRequest(
                orgId: organization.id, template: approved ? "organization_approved" : "organization_rejected",
                to: owners,
                variables: [
                    "organization_name": organization.name, "organization_slug": organization.slug,
                    "reason": reason ?? "",
                ]),
            now: now, in: db)
    }

    func enqueueEndpointDisabledMail(_ endpoint: WebhookEndpoint, reason: String, now: Date, in db: Database) throws {
        guard let organization = try OrganizationRecord.fetchOne(db, key: endpoint.orgId) else { return }
        try enqueueOwnMail(
            MailRequest(
                orgId: organization.id, template: "webhook_endpoint_disabled",
                to: try Self.memberAddresses(orgId: organization.id, minimum: .admin, in: db),
                variables: [
                    "organization_name": organization.name, "organization_slug": organization.slug,
                    "endpoint_url": endpoint.url, "reason": reason,
                ]),
            now: now, in: db)
    }
}
