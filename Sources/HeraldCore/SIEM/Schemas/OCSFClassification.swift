/// The OCSF class, category and activity of an event (OCSF 1.5.0 captions and ids).
///
/// `type_uid` is always `class_uid * 100 + activity_id`, as the schema requires.
struct OCSFClassification: Sendable, Hashable {
    enum EventClass: Int, Sendable, Hashable, CaseIterable {
        case detectionFinding = 2004
        case accountChange = 3001
        case authentication = 3002
        case apiActivity = 6003

        var name: String {
            switch self {
            case .detectionFinding: "Detection Finding"
            case .accountChange: "Account Change"
            case .authentication: "Authentication"
            case .apiActivity: "API Activity"
            }
        }

        var categoryUID: Int { rawValue / 1000 }

        var categoryName: String {
            switch self {
            case .detectionFinding: "Findings"
            case .accountChange, .authentication: "Identity & Access Management"
            case .apiActivity: "Application Activity"
            }
        }
    }

    /// OCSF's `activity_id` for an activity that the class does not define.
    static let otherActivity = 99

    var eventClass: EventClass
    var activityID: Int
    /// The caption of the activity in the schema (`Other` for 99).
    var activityCaption: String

    var typeUID: Int { eventClass.rawValue * 100 + activityID }
    /// `<class>: <activity>`, as the schema captions `type_uid`.
    var typeName: String { "\(eventClass.name): \(activityCaption)" }

    init(_ action: SiemEventAction) {
        switch action {
        case .logon, .mfaChallenge: self.init(.authentication, 1, "Logon")
        case .logoff: self.init(.authentication, 2, "Logoff")
        case .otherAuthentication: self.init(.authentication, Self.otherActivity, "Other")
        case .accountCreate: self.init(.accountChange, 1, "Create")
        case .accountEnable: self.init(.accountChange, 2, "Enable")
        case .accountDisable: self.init(.accountChange, 5, "Disable")
        case .accountDelete: self.init(.accountChange, 6, "Delete")
        case .mfaEnable: self.init(.accountChange, 10, "MFA Factor Enable")
        case .mfaDisable: self.init(.accountChange, 11, "MFA Factor Disable")
        case .otherAccountChange: self.init(.accountChange, Self.otherActivity, "Other")
        case .detection: self.init(.detectionFinding, 1, "Create")
        case .create: self.init(.apiActivity, 1, "Create")
        case .read: self.init(.apiActivity, 2, "Read")
        case .update: self.init(.apiActivity, 3, "Update")
        case .delete: self.init(.apiActivity, 4, "Delete")
        case .other: self.init(.apiActivity, Self.otherActivity, "Other")
        }
    }

    private init(_ eventClass: EventClass, _ activityID: Int, _ caption: String) {
        self.eventClass = eventClass
        self.activityID = activityID
        self.activityCaption = caption
    }

    /// OCSF `auth_factor.factor_type_id` and its caption for the factor names the SSO core sends.
    static func authFactor(_ name: String) -> (id: Int, caption: String) {
        switch name.lowercased() {
        case "sms": (1, "SMS")
        case "security_question": (2, "Security Question")
        case "phone", "voice", "call": (3, "Phone Call")
        case "biometric": (4, "Biometric")
        case "push": (5, "Push Notification")
        case "hardware_token", "hotp_token": (6, "Hardware Token")
        case "totp", "hotp", "otp": (7, "OTP")
        case "email": (8, "Email")
        case "u2f": (9, "U2F")
        case "webauthn", "passkey": (10, "WebAuthn")
        case "password": (11, "Password")
        default: (otherActivity, name)
        }
    }

    /// OCSF `risk_level_id` and caption for a severity (0 Info … 4 Critical).
    static func riskLevel(_ severity: Severity) -> (id: Int, caption: String) {
        switch severity {
        case .info: (0, "Info")
        case .low: (1, "Low")
        case .medium: (2, "Medium")
        case .high: (3, "High")
        case .critical: (4, "Critical")
        }
    }
}
