import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func tiers() async throws -> [Tier] {
        try readNow { db in
            try TierRecord.fetchAll(db, sql: "SELECT * FROM tiers ORDER BY price_cents, created_at, id").map(\.model)
        }
    }

    public func tier(id: String) async throws -> Tier? {
        try await read { db in try TierRecord.fetchOne(db, key: id)?.model }
    }

    public func createTier(_ tier: NewTier, actor: Actor) async throws -> Tier {
        if let id = tier.id { try Validation.identifier(id, field: "id") }
        try Self.validate(displayName: tier.displayName, maxServices: tier.maxServices, maxUsers: tier.maxUsers,
            priceCents: tier.priceCents)
        let now = self.now()
        return try await write { db in
            let id = tier.id ?? Identifier.make()
            guard try TierRecord.fetchOne(db, key: id) == nil else {
                throw HeraldError(.alreadyExists, "A tier with this id already exists", field: "id")
            }
            let record = TierRecord(
                id: id, displayName: tier.displayName, maxServices: tier.maxServices, maxUsers: tier.maxUsers,
                priceCents: tier.priceCents, createdAt: now.millisecondsSince1970, updatedAt: now.millisecondsSince1970)
            try record.insert(db)
            try Self.record(
                EventRecord(type: .tierCreated, orgId: nil, targetType: "tier", targetId: id, data: Self.data(of: record)),
                actor: actor, now: now, in: db)
            return record.model
        }
    }

    public func updateTier(id: String, _ patch: TierPatch, actor: Actor) async throws -> Tier {
        let now = self.now()
        return try await write { db in
            guard var record = try TierRecord.fetchOne(db, key: id) else { throw HeraldError.notFound("Tier") }
            let previous = record
            if let displayName = patch.displayName { record.displayName = displayName }
            if let maxServices = patch.maxServices { record.maxServices = maxServices }
            if let maxUsers = patch.maxUsers { record.maxUsers = maxUsers }
            if let priceCents = patch.priceCents { record.priceCents = priceCents }
            try Self.validate(displayName: record.displayName, maxServices: record.maxServices,
                maxUsers: record.maxUsers, priceCents: record.priceCents)
            record.updatedAt = now.millisecondsSince1970
            try record.update(db)
            var data = Self.data(of: record)
            data["previous"] = .object(Self.data(of: previous))
            try Self.record(
                EventRecord(type: .tierUpdated, orgId: nil, targetType: "tier", targetId: id, data: data),
                actor: actor, now: now, in: db)
            return record.model
        }
    }

    public func deleteTier(id: String, actor: Actor) async throws {
        let now = self.now()
        try await write { db in
            guard let record = try TierRecord.fetchOne(db, key: id) else { throw HeraldError.notFound("Tier") }
            let users = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organizations WHERE tier_id = ?", arguments: [id])
            guard users == 0 else {
                throw HeraldError(.inUse, "The tier is assigned to \(users ?? 0) organization(s)", field: "tier_id")
            }
            try record.delete(db)
            try Self.record(
                EventRecord(type: .tierDeleted, orgId: nil, targetType: "tier", targetId: id, data: Self.data(of: record)),
                actor: actor, now: now, in: db)
        }
    }

    static func validate(displayName: String, maxServices: Int?, maxUsers: Int?, priceCents: Int) throws {
        try Validation.name(displayName, field: "display_name")
        try Validation.limit(maxServices, field: "max_services")
        try Validation.limit(maxUsers, field: "max_users")
        guard priceCents >= 0 else { throw HeraldError.invalid("price_cents", "price_cents must be 0 or more") }
    }

    static func data(of tier: TierRecord) -> [String: JSONValue] {
        [
            "id": .string(tier.id), "display_name": .string(tier.displayName),
            "max_services": tier.maxServices.map { .number(Double($0)) } ?? .null,
            "max_users": tier.maxUsers.map { .number(Double($0)) } ?? .null,
            "price_cents": .number(Double(tier.priceCents)),
        ]
    }

    /// The tier `id`, created as a free tier without limits when missing (no event: part of the caller's).
    static func ensureDefaultTier(_ id: String, now: Date, in db: Database) throws -> TierRecord {
        if let tier = try TierRecord.fetchOne(db, key: id) { return tier }
        let tier = TierRecord(
            id: id, displayName: id == "free" ? "Free" : id, maxServices: nil, maxUsers: nil, priceCents: 0,
            createdAt: now.millisecondsSince1970, updatedAt: now.millisecondsSince1970)
        try tier.insert(db)
        return tier
    }
}
