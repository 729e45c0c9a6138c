/// Every event type Herald emits or accepts, with a description and an example payload
/// (`GET /api/event-types`).
public enum EventCatalogue {
    /// One entry of the catalogue.
    public struct Entry: Sendable, Hashable {
        public var type: String
        public var description: String
        public var example: [String: JSONValue]
    }

    public static let entries: [Entry] = [
        entry("organization.created", "An organization was created; its creator is its owner.",
              ["slug": "acme-corp", "name": "Acme Corporation", "status": "pending"]),
        entry("organization.updated", "An organization's name was changed.", ["name": "Acme Corp."]),
        entry("organization.approved", "A platform owner approved a pending organization and assigned a tier.",
              ["tier_id": "tier-pro"]),
        entry("organization.rejected", "A platform owner rejected a pending organization.",
              ["reason": "Name violates the terms of service"]),
        entry("organization.suspended", "A platform owner suspended an active organization.", [:]),
        entry("organization.activated", "A platform owner re-activated a suspended organization.", [:]),
        entry("organization.tier_updated", "An organization's tier or limit overrides changed.",
              ["tier_id": "tier-enterprise", "max_users": 1000, "max_services": 100]),
        entry("organization.deleted", "An organization and all its data were deleted.", ["slug": "acme-corp"]),
        entry("organization.ownership_transferred", "Ownership passed to another member; the old owner is admin.",
              ["previous_owner_id": "0f5e…", "new_owner_id": "8a1c…"]),
        entry("member.added", "A user became a member of an organization.",
              ["user_id": "8a1c…", "email": "jane@acme.example", "role": "admin"]),
        entry("member.role_updated", "A member's role changed.", ["user_id": "8a1c…", "role": "member",
              "previous_role": "admin"]),
        entry("member.removed", "A member left or was removed.", ["user_id": "8a1c…", "email": "jane@acme.example"]),
        entry("invitation.created", "An email address was invited into an organization.",
              ["email": "jane@acme.example", "role": "member", "expires_at": "2026-12-02T10:00:00Z"]),
        entry("invitation.accepted", "An invited user accepted and is now a member.",
              ["email": "jane@acme.example", "role": "member", "user_id": "8a1c…"]),
        entry("invitation.revoked", "A pending invitation was withdrawn.", ["email": "jane@acme.example"]),
        entry("tier.created", "A tier was created.", ["display_name": "Pro", "max_users": 100, "price_cents": 4900]),
        entry("tier.updated", "A tier was changed.", ["display_name": "Pro", "max_users": 200]),
        entry("tier.deleted", "A tier was deleted.", ["display_name": "Pro"]),
        entry("platform.owner_promoted", "A user became a platform owner.", ["user_id": "8a1c…"]),
        entry("platform.owner_demoted", "A platform owner became a regular user.", ["user_id": "8a1c…"]),
        entry("user.mfa_force_disabled", "A platform owner force-disabled a user's MFA; the SSO core acts on it.",
              ["user_id": "8a1c…"]),
        entry("apikey.created", "An API key was created.", ["name": "ci", "prefix": "hk_3f9a1c"]),
        entry("apikey.revoked", "An API key was revoked.", ["name": "ci", "prefix": "hk_3f9a1c"]),
        entry("webhook.endpoint.created", "A webhook endpoint was created (its secret is never in the event).",
              ["url": "https://hooks.acme.example/herald", "event_types": ["member.*"], "signing": "v1"]),
        entry("webhook.endpoint.updated",
              "A webhook endpoint was changed (`changed` names the fields), or its secret rotated (`rotated`: true).",
              ["url": "https://hooks.acme.example/herald", "changed": ["event_types"]]),
        entry("webhook.endpoint.deleted", "A webhook endpoint was deleted; its pending deliveries were cancelled.",
              ["url": "https://hooks.acme.example/herald"]),
        entry("webhook.endpoint.disabled",
              "A webhook endpoint was disabled: by a user, after failing for the auto-disable window, or on 410 Gone.",
              ["url": "https://hooks.acme.example/herald", "reason": "the endpoint answered 410 Gone"]),
        entry("webhook.endpoint.enabled", "A disabled webhook endpoint was enabled again.",
              ["url": "https://hooks.acme.example/herald"]),
        entry("scim.token.created", "A SCIM token was created for an identity provider (never its secret).",
              ["name": "Okta", "prefix": "hscim_3f9a1c", "expires_at": "2027-01-01T00:00:00Z"]),
        entry("scim.token.revoked", "A SCIM token was revoked; its record stays.", ["name": "Okta", "prefix": "hscim_3f9a1c"]),
        entry("scim.token.deleted", "A SCIM token's record was deleted.", ["name": "Okta", "prefix": "hscim_3f9a1c"]),
        entry("directory.user.created", "An identity provider created a directory user (the SCIM resource).",
              ["resource": ["id": "2819c223…", "userName": "bjensen@acme.example", "active": true], "version": 1]),
        entry("directory.user.updated", "A directory user changed (PUT or PATCH).",
              ["resource": ["id": "2819c223…", "userName": "bjensen@acme.example", "title": "CTO"], "version": 2]),
        entry("directory.user.deactivated", "A directory user was deactivated (`active` became false).",
              ["resource": ["id": "2819c223…", "userName": "bjensen@acme.example", "active": false], "version": 3]),
        entry("directory.user.reactivated", "A deactivated directory user became active again.",
              ["resource": ["id": "2819c223…", "userName": "bjensen@acme.example", "active": true], "version": 4]),
        entry("directory.user.deleted", "A directory user was deleted.",
              ["resource": ["id": "2819c223…", "userName": "bjensen@acme.example"], "version": 4]),
        entry("directory.group.created", "A directory group was created (without its members).",
              ["resource": ["id": "e9e30dba…", "displayName": "Engineering"], "version": 1]),
        entry("directory.group.updated", "A directory group's attributes changed.",
              ["resource": ["id": "e9e30dba…", "displayName": "R&D"], "version": 2]),
        entry("directory.group.deleted", "A directory group was deleted.",
              ["resource": ["id": "e9e30dba…", "displayName": "R&D"], "version": 2]),
        entry("directory.group.user_added", "Members joined a directory group: one event per request, with every id.",
              ["group_id": "e9e30dba…", "user_ids": ["2819c223…"], "version": 3]),
        entry("directory.group.user_removed", "Members left a directory group: one event per request, with every id.",
              ["group_id": "e9e30dba…", "user_ids": ["2819c223…"], "version": 4]),
        entry("auth.login.succeeded", "Ingested: a user signed in.", ["method": "password"]),
        entry("auth.login.failed", "Ingested: a sign-in failed.", ["reason": "bad_password"]),
        entry("auth.logout", "Ingested: a user signed out.", [:]),
        entry("auth.mfa.succeeded", "Ingested: an MFA challenge passed.", ["factor": "totp"]),
        entry("auth.mfa.failed", "Ingested: an MFA challenge failed.", ["factor": "totp"]),
        entry("auth.mfa.enrolled", "Ingested: a user enrolled an MFA factor.", ["factor": "totp"]),
        entry("auth.mfa.disabled", "Ingested: a user disabled MFA.", [:]),
        entry("auth.mfa.backup_codes_generated", "Ingested: a user generated MFA backup codes.", ["count": 10]),
        entry("risk.suspicious_activity", "Ingested: the risk engine flagged suspicious activity.",
              ["alert_type": "MultipleFailures", "details": "10 failed MFA attempts in 5 minutes"]),
        entry("risk.impossible_travel", "Ingested: two sign-ins too far apart for the time between them.",
              ["from": "Berlin", "to": "Sydney", "minutes": 40]),
        entry("service.created", "Ingested: a service was created in the SSO core.", ["service_id": "svc_1"]),
        entry("service.deleted", "Ingested: a service was deleted in the SSO core.", ["service_id": "svc_1"]),
    ]

    /// Herald's own types, which ingest refuses.
    public static var ownTypes: Set<String> {
        Set(entries.map(\.type).filter { !EventType($0).isIngestible })
    }

    private static func entry(_ type: String, _ description: String, _ data: [String: JSONValue]) -> Entry {
        Entry(type: type, description: description, example: data)
    }
}
