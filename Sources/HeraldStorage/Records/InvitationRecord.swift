import Foundation
import GRDB
import HeraldCore

/// A row of `invitations`; the accept token is only ever stored as its SHA-256 `token_hash`.
struct InvitationRecord: SnakeCaseRecord {
    static let databaseTableName = "invitations"

    var id: String
    var orgId: String
    var email: String
    var role: String
    var message: String?
    var invitedBy: String
    var tokenHash: String
    var status: String
    var createdAt: Int64
    var expiresAt: Int64
    var acceptedAt: Int64?
    var acceptedBy: String?

    var model: Invitation {
        Invitation(
            id: id, orgId: orgId, email: email, role: Role(rawValue: role) ?? .member, message: message,
            invitedBy: invitedBy, status: InvitationStatus(rawValue: status) ?? .pending,
            createdAt: Date(millisecondsSince1970: createdAt), expiresAt: Date(millisecondsSince1970: expiresAt),
            acceptedAt: acceptedAt.map { Date(millisecondsSince1970: $0) }, acceptedBy: acceptedBy)
    }
}
