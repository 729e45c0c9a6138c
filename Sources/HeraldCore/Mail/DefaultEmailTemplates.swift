import Foundation

/// The platform's shipped templates (English), added at start when missing; platform owners may edit them
/// (`/api/platform/email-templates`) and organizations override them by name and language.
public enum DefaultEmailTemplates {
    public static func all(now: Date = Date()) -> [EmailTemplate] {
        [
            make(
                "invitation", "You are invited to join {{organization_name}}",
                """
                <p>{{inviter_email}} invited you to join <strong>{{organization_name}}</strong> as {{role}}.</p>
                {{#message}}<blockquote>{{message}}</blockquote>{{/message}}
                {{#accept_url}}<p><a href="{{accept_url}}">Accept the invitation</a></p>{{/accept_url}}
                <p>Your invitation code: <code>{{token}}</code> (valid until {{expires_at}}).</p>
                """,
                """
                {{inviter_email}} invited you to join {{organization_name}} as {{role}}.
                {{#message}}

                {{message}}
                {{/message}}
                {{#accept_url}}

                Accept the invitation: {{accept_url}}
                {{/accept_url}}

                Your invitation code: {{token}} (valid until {{expires_at}}).
                """,
                [
                    "organization_name", "organization_slug", "role", "inviter_email", "token", "expires_at", "message",
                    "accept_url",
                ],
                "Sent to an invited address, with the invitation's accept code.", now),
            make(
                "organization_approved", "{{organization_name}} is approved",
                "<p>Your organization <strong>{{organization_name}}</strong> ({{organization_slug}}) was approved. You can start using it now.</p>",
                "Your organization {{organization_name}} ({{organization_slug}}) was approved. You can start using it now.",
                ["organization_name", "organization_slug"], "Sent to the owner when a platform owner approves the organization.", now),
            make(
                "organization_rejected", "{{organization_name}} was not approved",
                "<p>Your organization <strong>{{organization_name}}</strong> ({{organization_slug}}) was not approved.</p>{{#reason}}<p>Reason: {{reason}}</p>{{/reason}}",
                "Your organization {{organization_name}} ({{organization_slug}}) was not approved.{{#reason}}\n\nReason: {{reason}}{{/reason}}",
                ["organization_name", "organization_slug", "reason"], "Sent to the owner when a platform owner rejects the organization.", now),
            make(
                "webhook_endpoint_disabled", "A webhook endpoint of {{organization_name}} was disabled",
                "<p>Herald disabled the webhook endpoint <code>{{endpoint_url}}</code> of {{organization_name}}.</p><p>Reason: {{reason}}</p><p>Its deliveries are kept; enable the endpoint again to replay them.</p>",
                "Herald disabled the webhook endpoint {{endpoint_url}} of {{organization_name}}.\n\nReason: {{reason}}\n\nIts deliveries are kept; enable the endpoint again to replay them.",
                ["organization_name", "organization_slug", "endpoint_url", "reason"],
                "Sent to the organization's owners and admins when Herald disables an endpoint (410 Gone, or failing too long).", now),
            make(
                "verification", "Verify your email address",
                "<p>Your verification code is <strong>{{code}}</strong>.</p>{{#url}}<p><a href=\"{{url}}\">Verify</a></p>{{/url}}",
                "Your verification code is {{code}}.{{#url}}\n\nVerify: {{url}}{{/url}}",
                ["code", "url"], "Sent by the SSO core (POST /api/mail) to verify an address.", now),
            make(
                "password_reset", "Reset your password",
                "<p>Someone asked to reset your password. If it was you, use <a href=\"{{url}}\">this link</a>; it expires at {{expires_at}}.</p>",
                "Someone asked to reset your password. If it was you, open {{url}}; it expires at {{expires_at}}.",
                ["url", "expires_at"], "Sent by the SSO core (POST /api/mail) for a password reset.", now),
        ]
    }

    private static func make(
        _ name: String, _ subject: String, _ html: String, _ text: String, _ variables: [String], _ description: String,
        _ now: Date
    ) -> EmailTemplate {
        EmailTemplate(
            id: "default-\(name)-en", orgId: nil, name: name, type: "system", subject: subject, htmlBody: html,
            textBody: text, shipperName: nil, shipperEmail: nil, responseEmail: nil, language: "en",
            variables: variables, description: description, isActive: true, createdAt: now, updatedAt: now)
    }
}
