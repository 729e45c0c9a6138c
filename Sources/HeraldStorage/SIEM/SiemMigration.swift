import GRDB

/// The SIEM forwarder's tables (migration `v7-siem`).
///
/// An integration keeps its own cursor into `events` (`cursor`, the last sequence forwarded or skipped by its
/// filter) and a `cursor_generation` that a replay increments, so that a flush that read its batch before the
/// replay cannot move the cursor past it. Platform-wide integrations have no organization. Events the
/// destination could not take are kept in `siem_dead_letters` with the reason.
enum SiemMigration {
    static func v7Siem(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE siem_integrations (
                    id TEXT PRIMARY KEY NOT NULL,
                    org_id TEXT REFERENCES organizations(id) ON DELETE CASCADE,
                    provider TEXT NOT NULL,
                    name TEXT NOT NULL,
                    endpoint TEXT NOT NULL DEFAULT '',
                    credentials_sealed TEXT,
                    credential_names TEXT NOT NULL DEFAULT '[]',
                    event_types TEXT NOT NULL DEFAULT '[]',
                    min_severity TEXT NOT NULL DEFAULT 'info',
                    schema TEXT NOT NULL,
                    options TEXT NOT NULL DEFAULT '{}',
                    enabled INTEGER NOT NULL DEFAULT 1,
                    disabled_reason TEXT,
                    cursor INTEGER NOT NULL DEFAULT 0,
                    cursor_generation INTEGER NOT NULL DEFAULT 0,
                    last_success_at INTEGER,
                    last_error TEXT,
                    last_error_at INTEGER,
                    dropped_events INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX siem_integrations_org ON siem_integrations(org_id, created_at);

                CREATE TABLE siem_dead_letters (
                    id INTEGER PRIMARY KEY,
                    integration_id TEXT NOT NULL REFERENCES siem_integrations(id) ON DELETE CASCADE,
                    event_seq INTEGER NOT NULL,
                    event_id TEXT NOT NULL,
                    event_type TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX siem_dead_letters_integration ON siem_dead_letters(integration_id, id);
                """)
    }
}
