import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func members(orgId: String, page: Int, limit: Int) async throws -> Page<Member> {
        try await read { db in
            _ = try Self.requireOrganization(orgId, in: db)
            let total =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM memberships WHERE org_id = ?", arguments: [orgId]) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.*, u.email AS email FROM memberships m JOIN users u ON u.id = m.user_id
                    WHERE m.org_id = ?
                    ORDER BY CASE m.role WHEN 'owner' THEN 0 ELSE 1 END, m.joined_at, m.user_id
                    LIMIT ? OFFSET ?
                    """,
                arguments: [orgId, max(0, limit), Self.offset(page: page, limit: limit)])
            let members = try rows.map { row in try MembershipRecord(row: row).model(email: row["email"]) }
            return Page(items: members, total: total)
        }
    }

    public func addMember(orgId: String, email: String, role: Role, actor: Actor) async throws -> Member {
        let address = try Validation.email(email)
        guard role != .owner else {
            throw HeraldError.invalid("role", "The owner role cannot be granted; ownership changes only by transfer")
        }
        let now = self.now()
        return try await write { db in
            let organization = try Self.requireOrganization(orgId, in: db)
            let user = try Self.ensureUser(email: address, now: now, in: db)
            guard try Self.membership(orgId: orgId, userId: user.id, in: db) == nil else {
                throw HeraldError(.alreadyExists, "This user is already a member", field: "email")
            }
            try Self.checkMemberLimit(of: organization, in: db)
            let ms = now.millisecondsSince1970
            // The direct addition is kept as an accepted invitation, so that the invitation list tells who added whom.
            try InvitationRecord(
                id: Identifier.make(), orgId: orgId, email: address, role: role.rawValue, message: nil,
                invitedBy: actor.userId ?? actor.email ?? "system",
                tokenHash: SecretToken.hash(SecretToken.generate(prefix: SecretPrefix.invitation)),
                status: InvitationStatus.accepted.rawValue, createdAt: ms, expiresAt: ms, acceptedAt: ms,
                acceptedBy: user.id
            ).insert(db)
            let membership = MembershipRecord(orgId: orgId, userId: user.id, role: role.rawValue, joinedAt: ms)
            try membership.insert(db)
            try Self.record(
                EventRecord(
                    type: .memberAdded, orgId: orgId, targetType: "user", targetId: user.id,
                    data: ["user_id": .string(user.id), "email": .string(user.email), "role": .string(role.rawValue)]),
                actor: actor, now: now, in: db)
            return membership.model(email: user.email)
        }
    }

    public func updateMemberRole(orgId: String, userId: String, role: Role, actor: Actor) async throws -> Member {
        let now = self.now()
        return try await write { db in
            _ = try Self.requireOrganization(orgId, in: db)
            guard var membership = try Self.membership(orgId: orgId, userId: userId, in: db) else {
                throw HeraldError.notFound("Member")
            }
            let previous = membership.role
            guard role != .owner, previous != Role.owner.rawValue else {
                throw HeraldError.invalid("role", "Ownership changes only by transfer")
            }
            membership.role = role.rawValue
            try membership.update(db)
            let user = try Self.requireUser(userId, in: db)
            try Self.record(
                EventRecord(
                    type: .memberRoleUpdated, orgId: orgId, targetType: "user", targetId: userId,
                    data: [
                        "user_id": .string(userId), "email": .string(user.email), "role": .string(role.rawValue),
                        "previous_role": .string(previous),
                    ]),
                actor: actor, now: now, in: db)
            return membership.model(email: user.email)
        }
    }

    public func removeMember(orgId: String, userId: String, actor: Actor) async throws {
        let now = self.now()
        try await write { db in
            _ = try Self.requireOrganization(orgId, in: db)
            guard let membership = try Self.membership(orgId: orgId, userId: userId, in: db) else {
                throw HeraldError.notFound("Member")
            }
            guard membership.role != Role.owner.rawValue else {
                throw HeraldError(
                    .invalidState, "The owner cannot be removed; transfer ownership first", field: "user_id")
            }
            try membership.delete(db)
            let email = try UserRecord.fetchOne(db, key: userId)?.email
            try Self.record(
                EventRecord(
                    type: .memberRemoved, orgId: orgId, targetType: "user", targetId: userId,
                    data: [
                        "user_id": .string(userId), "email": email.map { .string($0) } ?? .null,
                        "role": .string(membership.role),
                    ]),
                actor: actor, now: now, in: db)
        }
    }

    public func transferOwnership(orgId: String, newOwnerId: String, actor: Actor) async throws {
        let now = self.now()
        try await write { db in
            var organization = try Self.requireOrganization(orgId, in: db)
            guard var newOwner = try Self.membership(orgId: orgId, userId: newOwnerId, in: db) else {
                throw HeraldError.notFound("Member")
            }
            guard newOwner.role != Role.owner.rawValue else {
                throw HeraldError.invalid("new_owner_id", "This member is already the owner")
            }
            let previousOwnerId = organization.ownerUserId
            if var previousOwner = try Self.membership(orgId: orgId, userId: previousOwnerId, in: db) {
                previousOwner.role = Role.admin.rawValue
                try previousOwner.update(db)
            }
            // Any other row still marked owner (there should be none) is demoted too, so there is one owner.
            try db.execute(
                sql: "UPDATE memberships SET role = 'admin' WHERE org_id = ? AND role = 'owner' AND user_id <> ?",
                arguments: [orgId, newOwnerId])
            newOwner.role = Role.owner.rawValue
            try newOwner.update(db)
            organization.ownerUserId = newOwnerId
            organization.updatedAt = now.millisecondsSince1970
            try organization.update(db)
            try Self.record(
                EventRecord(
                    type: .organizationOwnershipTransferred, orgId: orgId, targetType: "organization", targetId: orgId,
                    data: [
                        "slug": .string(organization.slug), "previous_owner_id": .string(previousOwnerId),
                        "new_owner_id": .string(newOwnerId),
                    ]),
                actor: actor, now: now, in: db)
        }
    }

    static func membership(orgId: String, userId: String, in db: Database) throws -> MembershipRecord? {
        try MembershipRecord.fetchOne(db, key: ["org_id": orgId, "user_id": userId])
    }

    /// - Throws: `limit_reached` when the organization already has as many members as its user limit.
    static func checkMemberLimit(of organization: OrganizationRecord, in db: Database) throws {
        let tierLimit = try organization.tierId.flatMap { try TierRecord.fetchOne(db, key: $0) }?.maxUsers
        guard let limit = organization.maxUsers ?? tierLimit else { return }
        let count =
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM memberships WHERE org_id = ?", arguments: [organization.id])
            ?? 0
        guard count < limit else {
            throw HeraldError(
                .limitReached, "Organization has reached its max_users limit of \(limit)", field: "max_users")
        }
    }
}
