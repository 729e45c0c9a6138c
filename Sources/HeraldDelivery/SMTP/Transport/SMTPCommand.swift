/// The step of an SMTP session that a server reply answers, as read from what curl sent.
enum SMTPCommand: Sendable, Hashable {
    case greeting, ehlo, helo, starttls, auth, mail, rcpt, data
    /// The message itself: the reply after the final `.` of DATA.
    case message
    case noop, quit, other

    /// The command a line that curl sent starts with (its verb, case-insensitive).
    init(commandLine: some Sequence<UInt8>) {
        var verb: [UInt8] = []
        for byte in commandLine {
            if byte == 0x20 || byte == 0x0D || byte == 0x0A || verb.count == 8 { break }
            verb.append(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte)
        }
        switch String(decoding: verb, as: UTF8.self) {
        case "EHLO": self = .ehlo
        case "HELO": self = .helo
        case "STARTTLS": self = .starttls
        case "AUTH": self = .auth
        case "MAIL": self = .mail
        case "RCPT": self = .rcpt
        case "DATA": self = .data
        case "NOOP": self = .noop
        case "QUIT": self = .quit
        default: self = .other
        }
    }

    /// Whether a 5xx to this step refuses the message itself (a bounce), not the session.
    var refusesMessage: Bool { self == .mail || self == .rcpt || self == .data || self == .message }

    /// The step, as an error message names it.
    var name: String {
        switch self {
        case .greeting: "the greeting"
        case .ehlo: "EHLO"
        case .helo: "HELO"
        case .starttls: "STARTTLS"
        case .auth: "AUTH"
        case .mail: "MAIL FROM"
        case .rcpt: "RCPT TO"
        case .data: "DATA"
        case .message: "the end of the message"
        case .noop: "NOOP"
        case .quit: "QUIT"
        case .other: "a command"
        }
    }
}
