import GRDB

/// Mail's tables (migration `v8-mail`): an organization's SMTP settings and DKIM key (secrets sealed), templates
/// (platform defaults have no organization; the scope key `''` stands for the platform in unique indexes),
/// mails with one row per recipient (so that a retry never sends again to one that accepted), and suppression
/// lists per scope.
enum MailMigration {
    static func v8Mail(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE smtp_settings (
                    org_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    host TEXT NOT NULL,
                    port INTEGER NOT NULL,
                    security TEXT NOT NULL,
                    username TEXT,
                    password_sealed TEXT,
                    from_address TEXT NOT NULL,
                    from_name TEXT,
                    reply_to TEXT,
                    ca_pem TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );

                CREATE TABLE dkim_keys (
                    org_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    domain TEXT NOT NULL,
                    selector TEXT NOT NULL,
                    algorithm TEXT NOT NULL,
                    private_key_sealed TEXT NOT NULL,
                    dns_record TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );

                CREATE TABLE email_templates (
                    id TEXT PRIMARY KEY NOT NULL,
                    org_id TEXT REFERENCES organizations(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    type TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    html_body TEXT NOT NULL,
                    text_body TEXT,
                    shipper_name TEXT,
                    shipper_email TEXT,
                    response_email TEXT,
                    language TEXT NOT NULL,
                    variables TEXT NOT NULL DEFAULT '[]',
                    description TEXT,
                    is_active INTEGER NOT NULL DEFAULT 1,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX email_templates_scope_name ON email_templates(COALESCE(org_id, ''), name, language);

                CREATE TABLE mails (
                    id TEXT PRIMARY KEY NOT NULL,
                    org_id TEXT REFERENCES organizations(id) ON DELETE CASCADE,
                    job_id INTEGER NOT NULL,
                    message_id TEXT NOT NULL UNIQUE,
                    template TEXT NOT NULL,
                    language TEXT NOT NULL,
                    variables_sealed TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX mails_org ON mails(COALESCE(org_id, ''), created_at);
                CREATE INDEX mails_job ON mails(job_id);

                CREATE TABLE mail_recipients (
                    mail_id TEXT NOT NULL REFERENCES mails(id) ON DELETE CASCADE,
                    address TEXT NOT NULL COLLATE NOCASE,
                    status TEXT NOT NULL,
                    reply TEXT,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (mail_id, address)
                ) WITHOUT ROWID;

                CREATE TABLE mail_suppressions (
                    scope TEXT NOT NULL,
                    address TEXT NOT NULL COLLATE NOCASE,
                    reason TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (scope, address)
                ) WITHOUT ROWID;
                CREATE TRIGGER mail_suppressions_organization_deleted AFTER DELETE ON organizations
                BEGIN
                    DELETE FROM mail_suppressions WHERE scope = OLD.id;
                END;
                """)
    }

    /// `v9-smtp-auth`: what an organization's stored SMTP secret is (`password` or an `xoauth2` access token).
    static func v9SmtpAuthentication(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE smtp_settings ADD COLUMN authentication TEXT NOT NULL DEFAULT 'password'")
    }
}
