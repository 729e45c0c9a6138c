/// One thing wrong with the configuration, tied to the dotted key it concerns.
///
/// `herald check-config` prints these one per line as `KEY: MESSAGE`.
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// The dotted configuration key (`public.address`), or `config` for the file as a whole.
    public var key: String
    /// What is wrong, naming the offending value and where it came from.
    public var message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    /// `KEY: MESSAGE`.
    public var description: String { "\(key): \(message)" }
}

/// The error thrown when the configuration cannot be used: every problem found, not just the first.
public struct ConfigurationProblems: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, in key order of the catalogue, file-level problems first.
    public var problems: [ConfigurationProblem]

    public init(_ problems: [ConfigurationProblem]) {
        self.problems = problems
    }

    /// One `KEY: MESSAGE` line per problem.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
