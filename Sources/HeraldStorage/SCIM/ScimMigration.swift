import GRDB

/// The SCIM directory's tables (migration `v6-scim`).
///
/// Users and groups keep their attributes as one JSON document (`resource`) beside the columns that filters,
/// sorting and uniqueness use: `seq` (the stable list order and the cursor), the case-folded `userName` and
/// `displayName`, `externalId`, `active`, and the times. Email addresses have a table of their own so that
/// `emails.value eq …` is an index seek. Membership is a table keyed by (group, member): adding or removing
/// members touches only those rows; a deleted resource leaves its organization's groups in code (each group gets
/// a new version and its `user_removed` event), never another organization's. Counts per organization are kept by triggers, so the tier's user limit is
/// checked without counting.
enum ScimMigration {
    static func v6Scim(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE scim_tokens (
                    id TEXT PRIMARY KEY NOT NULL,
                    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    prefix TEXT NOT NULL,
                    hash TEXT NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    last_used_at INTEGER,
                    revoked_at INTEGER
                );
                CREATE INDEX scim_tokens_org ON scim_tokens(org_id, created_at);

                CREATE TABLE scim_users (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    user_name TEXT NOT NULL,
                    user_name_folded TEXT NOT NULL,
                    external_id TEXT,
                    display_name_folded TEXT,
                    active INTEGER,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    resource TEXT NOT NULL
                );
                CREATE UNIQUE INDEX scim_users_user_name ON scim_users(org_id, user_name_folded);
                CREATE INDEX scim_users_org_seq ON scim_users(org_id, seq);
                CREATE INDEX scim_users_external_id ON scim_users(org_id, external_id) WHERE external_id IS NOT NULL;
                CREATE INDEX scim_users_display_name ON scim_users(org_id, display_name_folded);
                CREATE INDEX scim_users_updated_at ON scim_users(org_id, updated_at);
                CREATE INDEX scim_users_created_at ON scim_users(org_id, created_at);

                CREATE TABLE scim_user_emails (
                    user_seq INTEGER NOT NULL REFERENCES scim_users(seq) ON DELETE CASCADE,
                    org_id TEXT NOT NULL,
                    value_folded TEXT NOT NULL,
                    PRIMARY KEY (user_seq, value_folded)
                ) WITHOUT ROWID;
                CREATE INDEX scim_user_emails_value ON scim_user_emails(org_id, value_folded);

                CREATE TABLE scim_groups (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    display_name_folded TEXT NOT NULL,
                    external_id TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    resource TEXT NOT NULL
                );
                CREATE UNIQUE INDEX scim_groups_display_name ON scim_groups(org_id, display_name_folded);
                CREATE INDEX scim_groups_org_seq ON scim_groups(org_id, seq);
                CREATE INDEX scim_groups_external_id ON scim_groups(org_id, external_id)
                    WHERE external_id IS NOT NULL;
                CREATE INDEX scim_groups_updated_at ON scim_groups(org_id, updated_at);
                CREATE INDEX scim_groups_created_at ON scim_groups(org_id, created_at);

                CREATE TABLE scim_group_members (
                    group_seq INTEGER NOT NULL REFERENCES scim_groups(seq) ON DELETE CASCADE,
                    member_id TEXT NOT NULL,
                    member_type TEXT NOT NULL,
                    display TEXT,
                    PRIMARY KEY (group_seq, member_id)
                ) WITHOUT ROWID;
                CREATE INDEX scim_group_members_member ON scim_group_members(member_id);

                CREATE TABLE scim_directory_counts (
                    org_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    users INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                CREATE TRIGGER scim_users_count_insert AFTER INSERT ON scim_users
                BEGIN
                    INSERT INTO scim_directory_counts (org_id, users) VALUES (NEW.org_id, 1)
                    ON CONFLICT (org_id) DO UPDATE SET users = users + 1;
                END;
                CREATE TRIGGER scim_users_count_delete AFTER DELETE ON scim_users
                BEGIN
                    UPDATE scim_directory_counts SET users = users - 1 WHERE org_id = OLD.org_id;
                END;

                CREATE TABLE scim_requests (
                    id INTEGER PRIMARY KEY,
                    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    at INTEGER NOT NULL,
                    method TEXT NOT NULL,
                    path TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    scim_type TEXT,
                    quirks TEXT NOT NULL DEFAULT '[]',
                    duration_ms REAL NOT NULL,
                    token_prefix TEXT NOT NULL,
                    user_agent TEXT
                );
                CREATE INDEX scim_requests_org ON scim_requests(org_id, id);
                CREATE INDEX scim_requests_at ON scim_requests(at);
                """)
    }
}
