import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func createOrganization(
        slug: String, name: String, owner: User, autoApproveTierId: String?, actor: Actor
    ) async throws -> Organization {
        try Validation.slug(slug)
        try Validation.name(name)
        let now = self.now()
        return try await write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM organizations WHERE slug = ?", arguments: [slug]) == nil
            else {
                throw HeraldError(.alreadyExists, "An organization with this slug already exists", field: "slug")
            }
            _ = try Self.requireUser(owner.id, in: db)
            let ms = now.millisecondsSince1970
            var organization = OrganizationRecord(
                id: Identifier.make(), slug: slug, name: name, ownerUserId: owner.id,
                status: OrganizationStatus.pending.rawValue, tierId: nil, createdAt: ms, updatedAt: ms)
            if let autoApproveTierId {
                let tier = try Self.ensureDefaultTier(autoApproveTierId, now: now, in: db)
                organization.status = OrganizationStatus.active.rawValue
                organization.tierId = tier.id
                organization.approvedBy = actor.userId
                organization.approvedAt = ms
            }
            try organization.insert(db)
            try MembershipRecord(orgId: organization.id, userId: owner.id, role: Role.owner.rawValue, joinedAt: ms)
                .insert(db)
            var data: [String: JSONValue] = [
                "slug": .string(slug), "name": .string(name), "status": .string(organization.status),
                "owner_user_id": .string(owner.id),
            ]
            if let tierId = organization.tierId { data["tier_id"] = .string(tierId) }
            try Self.record(
                EventRecord(
                    type: .organizationCreated, orgId: organization.id, targetType: "organization",
                    targetId: organization.id, data: data),
                actor: actor, now: now, in: db)
            return organization.model
        }
    }

    public func updateOrganization(id: String, name: String, actor: Actor) async throws -> Organization {
        try Validation.name(name)
        let now = self.now()
        return try await write { db in
            var organization = try Self.requireOrganization(id, in: db)
            let previous = organization.name
            organization.name = name
            organization.updatedAt = now.millisecondsSince1970
            try organization.update(db)
            try Self.record(
                EventRecord(
                    type: .organizationUpdated, orgId: id, targetType: "organization", targetId: id,
                    data: ["slug": .string(organization.slug), "name": .string(name), "previous_name": .string(previous)]
                ),
                actor: actor, now: now, in: db)
            return organization.model
        }
    }

    public func deleteOrganization(id: String, actor: Actor) async throws {
        let now = self.now()
        try await write { db in
            let organization = try Self.requireOrganization(id, in: db)
            try organization.delete(db)  // cascades to memberships and invitations
            try db.execute(sql: "DELETE FROM events WHERE org_id = ?", arguments: [id])
            // Platform-level: org_id stays NULL so that the record outlives the organization's events.
            try Self.record(
                EventRecord(
                    type: .organizationDeleted, orgId: nil, targetType: "organization", targetId: id,
                    data: ["slug": .string(organization.slug), "name": .string(organization.name)]),
                actor: actor, now: now, in: db)
        }
    }

    public func transitionOrganization(
        id: String, _ transition: OrganizationTransition, tierId: String?, reason: String?, actor: Actor
    ) async throws -> Organization {
        let now = self.now()
        return try await write { db in
            var organization = try Self.requireOrganization(id, in: db)
            try transition.check(from: OrganizationStatus(rawValue: organization.status) ?? .pending)
            let ms = now.millisecondsSince1970
            var data: [String: JSONValue] = [
                "slug": .string(organization.slug), "name": .string(organization.name),
                "previous_status": .string(organization.status), "status": .string(transition.to.rawValue),
            ]
            switch transition {
            case .approve:
                guard let tierId, try TierRecord.fetchOne(db, key: tierId) != nil else {
                    throw HeraldError(.unknownTier, "Unknown tier", field: "tier_id")
                }
                organization.tierId = tierId
                organization.approvedBy = actor.userId
                organization.approvedAt = ms
                data["tier_id"] = .string(tierId)
            case .reject:
                organization.rejectedBy = actor.userId
                organization.rejectedAt = ms
                organization.rejectionReason = reason
                data["reason"] = reason.map { .string($0) } ?? .null
            case .suspend, .activate:
                break
            }
            organization.status = transition.to.rawValue
            organization.updatedAt = ms
            try organization.update(db)
            try Self.record(
                EventRecord(type: transition.eventType, orgId: id, targetType: "organization", targetId: id, data: data),
                actor: actor, now: now, in: db)
            switch transition {
            case .approve: try enqueueDecisionMail(organization, approved: true, reason: nil, now: now, in: db)
            case .reject: try enqueueDecisionMail(organization, approved: false, reason: reason, now: now, in: db)
            case .suspend, .activate: break
            }
            return organization.model
        }
    }

    public func updateOrganizationTier(
        id: String, tierId: String, maxServices: Int?, maxUsers: Int?, actor: Actor
    ) async throws -> Organization {
        try Validation.limit(maxServices, field: "max_services")
        try Validation.limit(maxUsers, field: "max_users")
        let now = self.now()
        return try await write { db in
            var organization = try Self.requireOrganization(id, in: db)
            guard try TierRecord.fetchOne(db, key: tierId) != nil else { throw HeraldError.notFound("Tier") }
            let previousTier = organization.tierId
            // The overrides are set as given: nil means "no override, use the tier's limit".
            organization.tierId = tierId
            organization.maxServices = maxServices
            organization.maxUsers = maxUsers
            organization.updatedAt = now.millisecondsSince1970
            try organization.update(db)
            try Self.record(
                EventRecord(
                    type: .organizationTierUpdated, orgId: id, targetType: "organization", targetId: id,
                    data: [
                        "slug": .string(organization.slug), "tier_id": .string(tierId),
                        "previous_tier_id": previousTier.map { .string($0) } ?? .null,
                        "max_services": maxServices.map { .number(Double($0)) } ?? .null,
                        "max_users": maxUsers.map { .number(Double($0)) } ?? .null,
                    ]),
                actor: actor, now: now, in: db)
            return organization.model
        }
    }

    public func role(userId: String, orgId: String) async throws -> Role? {
        try readNow { db in
            try String.fetchOne(
                db, sql: "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?", arguments: [orgId, userId]
            ).flatMap(Role.init(rawValue:))
        }
    }
}
