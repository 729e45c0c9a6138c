import Foundation
import GRDB
import HeraldCore
import Testing

@testable import HeraldStorage

@Suite struct SQLiteDatabaseTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("herald-test-\(Identifier.make()).sqlite").path
    }

    private func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test func migrationsAreIdempotentAcrossReopen() async throws {
        let path = temporaryPath()
        defer { remove(path) }
        do {
            let database = try SQLiteDatabase(path: path)
            #expect(try database.isMigrated() == false)
            try database.migrate()
            #expect(try database.isMigrated())
            let store = database.store()
            _ = try await store.ensureUser(email: "kept@example.com", actor: .system)
        }
        let reopened = try SQLiteDatabase(path: path, synchronous: "normal")
        #expect(try reopened.isMigrated())
        try reopened.migrate()
        try reopened.migrate()
        #expect(try reopened.isMigrated())
        #expect(try await reopened.store().user(email: "KEPT@example.com") != nil)
        let migrations = try await reopened.writer.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        #expect(
            migrations == [
                "v1", "v2-jobs", "v3-webhooks", "v4-ordered-jobs", "v5-claim-by-destination", "v6-scim", "v7-siem", "v8-mail", "v9-smtp-auth",
                "v10-claim-by-kind",
            ])
    }

    @Test func fileDatabaseUsesWALForeignKeysAndTheChosenSynchronousMode() async throws {
        let path = temporaryPath()
        defer { remove(path) }
        let full = try SQLiteDatabase(path: path)
        let (journal, foreignKeys, synchronous, tempStore) = try await full.writer.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA temp_store")
            )
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(synchronous == 2)  // FULL
        #expect(tempStore == 2)  // MEMORY: the savepoints' journals are not written to a file
        #expect(try await full.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") } == 2)
        let normal = try SQLiteDatabase(path: path, synchronous: "NORMAL")
        #expect(try await normal.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)
    }

    @Test func unknownSynchronousModeIsRefused() throws {
        #expect(throws: HeraldError.self) { try SQLiteDatabase(path: temporaryPath(), synchronous: "sometimes") }
    }

    @Test func backupProducesAReadableCopy() async throws {
        let database = try SQLiteDatabase.temporaryFile()
        defer { database.path.map(remove) }
        try database.migrate()
        let store = database.store()
        let owner = try await store.ensureUser(email: "owner@example.com", actor: .system)
        _ = try await store.createOrganization(
            slug: "backed-up", name: "Backed Up", owner: owner, autoApproveTierId: "free", actor: .system)
        let target = temporaryPath()
        defer { remove(target) }
        try database.backup(to: target)

        let copy = try SQLiteDatabase(path: target)
        #expect(try copy.isMigrated())
        let organization = try await copy.store().organization(slug: "backed-up")
        #expect(organization?.name == "Backed Up")
        #expect(try await copy.store().events(after: 0, limit: 10).map(\.type) == ["organization.created"])
        // An existing file is never overwritten.
        #expect(throws: HeraldError.self) { try database.backup(to: target) }
    }

    @Test func healthCheckAnswers() async throws {
        let fixture = try Fixture()
        try await fixture.store.checkHealth()
    }

    @Test func inMemoryDatabaseHasTheWholeSchema() async throws {
        let fixture = try Fixture()
        let tables = try await fixture.database.writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
        #expect(
            tables == [
                "api_keys", "cursors", "dkim_keys", "email_templates", "events", "grdb_migrations", "idempotency_keys",
                "invitations", "job_attempts", "jobs", "mail_recipients", "mail_suppressions", "mails", "memberships",
                "mfa_status", "organizations", "scim_directory_counts", "scim_group_members", "scim_groups",
                "scim_requests", "scim_tokens", "scim_user_emails", "scim_users", "siem_dead_letters",
                "siem_integrations", "smtp_settings", "tiers", "users",
                "webhook_deliveries", "webhook_endpoints",
            ])
    }

    @Test func databaseErrorsNeverEscape() async throws {
        let fixture = try Fixture()
        do {
            _ = try await fixture.store.read { db in try Int.fetchOne(db, sql: "SELECT * FROM no_such_table") }
            Issue.record("expected an error")
        } catch let error as HeraldError {
            #expect(error.code == .internalError)
            #expect(error.message == "storage error")
            #expect(error.cause is DatabaseError)
        }
        do {
            try await fixture.store.write { db in
                try db.execute(sql: "INSERT INTO tiers VALUES ('t', 'T', NULL, NULL, 0, 0, 0)")
                try db.execute(sql: "INSERT INTO tiers VALUES ('t', 'T', NULL, NULL, 0, 0, 0)")
            }
            Issue.record("expected an error")
        } catch let error as HeraldError {
            #expect(error.code == .alreadyExists)
        }
        #expect(try await fixture.store.tiers().isEmpty)  // the failed transaction rolled back
    }
}
