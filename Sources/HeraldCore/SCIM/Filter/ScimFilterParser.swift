/// Why a SCIM filter or PATCH path was rejected.
public struct ScimFilterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong and where, e.g. `unknown operator 'eqq' at offset 9`.
    public var message: String
    /// Where it went wrong, counted in Unicode scalars from the start of the input (0-based).
    public var offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// Builds the message as `problem at offset N`.
    init(_ problem: String, at offset: Int) {
        self.init(message: "\(problem) at offset \(offset)", offset: offset)
    }

    public var description: String { message }
}

/// Bounds on what the filter and PATCH path parsers accept, so that hostile input costs little.
public struct ScimFilterLimits: Sendable, Hashable {
    /// The longest input accepted, in Unicode scalars; checked before anything else. It also bounds the size of
    /// the parsed tree.
    public var maxLength: Int
    /// How deeply parentheses, `not ( … )` and value-path brackets may nest. The parser recurses once per
    /// level, so keep this small (tens, not thousands).
    public var maxDepth: Int

    public init(maxLength: Int = 2048, maxDepth: Int = 10) {
        self.maxLength = maxLength
        self.maxDepth = maxDepth
    }

    /// 2048 characters, 10 levels.
    public static let `default` = ScimFilterLimits()
}

/// Parses SCIM filters (RFC 7644 §3.4.2.2).
///
/// Accepted beyond the letter of the RFC's ABNF: any run of spaces, tabs, CR or LF where the ABNF has one SP
/// (and none needed next to brackets, parentheses and strings); `not(` without a space; `$ref` as an
/// attribute or sub-attribute name; and Entra's `attr[filter].sub op value` (see `ScimFilter.valuePath`).
/// Keywords and operators are case-insensitive. `and`, `or`, `not`, `true`, `false` and `null` cannot be used
/// as bare attribute names in a filter. Value paths cannot nest.
public enum ScimFilterParser {
    /// Parses `text` as a complete filter.
    /// - Throws: `ScimFilterError` saying what is wrong and at which offset.
    public static func parse(_ text: String, limits: ScimFilterLimits = .default) throws(ScimFilterError)
        -> ScimFilter
    {
        var parser = try ScimFilterSyntaxParser(text: text, limits: limits)
        return try parser.parseCompleteFilter()
    }
}

/// The recursive-descent parser over the tokens of one input; shared by filters and PATCH paths.
struct ScimFilterSyntaxParser {
    private let tokens: [ScimFilterToken]
    private var position = 0
    private let maxDepth: Int

    init(text: String, limits: ScimFilterLimits) throws(ScimFilterError) {
        let scalars = try ScimFilterLexer.scalars(of: text, maxLength: limits.maxLength)
        tokens = try ScimFilterLexer.tokenize(scalars)
        maxDepth = limits.maxDepth
    }

    /// The token under the cursor; the last token is always `.end`, and the cursor never moves past it.
    var current: ScimFilterToken { tokens[position] }

    mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    mutating func parseCompleteFilter() throws(ScimFilterError) -> ScimFilter {
        if current.kind == .end { throw ScimFilterError("filter is empty", at: current.offset) }
        let filter = try parseFilter(depth: 0, insideValuePath: false)
        try expectEnd(after: "the filter")
        return filter
    }

    /// Fails unless the whole input has been consumed.
    func expectEnd(after what: String) throws(ScimFilterError) {
        switch current.kind {
        case .end: return
        case .closeParen: throw ScimFilterError("unbalanced ')'", at: current.offset)
        case .closeBracket: throw ScimFilterError("unbalanced ']'", at: current.offset)
        default:
            throw ScimFilterError("unexpected \(current.kind.quoted) after \(what)", at: current.offset)
        }
    }

    /// `filter = conjunction *("or" conjunction)`, left-associative.
    mutating func parseFilter(depth: Int, insideValuePath: Bool) throws(ScimFilterError) -> ScimFilter {
        var filter = try parseConjunction(depth: depth, insideValuePath: insideValuePath)
        while current.kind.isKeyword("or") {
            advance()
            filter = .or(filter, try parseConjunction(depth: depth, insideValuePath: insideValuePath))
        }
        return filter
    }

    /// `conjunction = primary *("and" primary)`, left-associative.
    private mutating func parseConjunction(depth: Int, insideValuePath: Bool) throws(ScimFilterError)
        -> ScimFilter
    {
        var filter = try parsePrimary(depth: depth, insideValuePath: insideValuePath)
        while current.kind.isKeyword("and") {
            advance()
            filter = .and(filter, try parsePrimary(depth: depth, insideValuePath: insideValuePath))
        }
        return filter
    }

    /// `primary = "(" filter ")" / "not" "(" filter ")" / attrExp / valuePath [subAttr op value]`.
    private mutating func parsePrimary(depth: Int, insideValuePath: Bool) throws(ScimFilterError) -> ScimFilter {
        switch current.kind {
        case .openParen:
            return try parseParenthesised(depth: depth, insideValuePath: insideValuePath)
        case .word where current.kind.isKeyword("not"):
            advance()
            guard current.kind == .openParen else {
                throw ScimFilterError("'not' must be followed by '(', found \(current.kind.quoted)", at: current.offset)
            }
            return .not(try parseParenthesised(depth: depth, insideValuePath: insideValuePath))
        case .word(let word):
            return try parseAttributeExpression(word, depth: depth, insideValuePath: insideValuePath)
        case .string, .number:
            throw ScimFilterError(
                "expected an attribute path, found the value \(current.kind.quoted)", at: current.offset)
        case .closeParen, .openBracket, .closeBracket, .end:
            throw ScimFilterError("expected an attribute path or '(', found \(current.kind.quoted)", at: current.offset)
        }
    }

    private mutating func parseParenthesised(depth: Int, insideValuePath: Bool) throws(ScimFilterError)
        -> ScimFilter
    {
        let open = current.offset
        try checkNesting(depth: depth, at: open)
        advance()
        let inner = try parseFilter(depth: depth + 1, insideValuePath: insideValuePath)
        try expectClosing(.closeParen, openedAt: open)
        return inner
    }

    private mutating func parseAttributeExpression(_ word: String, depth: Int, insideValuePath: Bool)
        throws(ScimFilterError) -> ScimFilter
    {
        let path = try filterAttributePath(word, at: current.offset)
        advance()
        guard current.kind == .openBracket else { return try parseCondition(on: path, written: word) }
        if insideValuePath {
            throw ScimFilterError("value paths cannot be nested inside '[ ]'", at: current.offset)
        }
        let elementFilter = try parseBracketedValueFilter(depth: depth)
        guard let (subAttribute, written) = try parseSubAttributeAfterBracket() else {
            return .valuePath(path, elementFilter)
        }
        let subPath = try filterAttributePath(subAttribute, at: current.offset, written: written)
        advance()
        return .valuePath(path, .and(elementFilter, try parseCondition(on: subPath, written: written)))
    }

    /// `"[" valFilter "]"`, with the cursor on `[`; leaves the cursor after `]`.
    mutating func parseBracketedValueFilter(depth: Int) throws(ScimFilterError) -> ScimFilter {
        let open = current.offset
        try checkNesting(depth: depth, at: open)
        advance()
        switch current.kind {
        case .end: throw ScimFilterError("unclosed '[' opened at offset \(open)", at: current.offset)
        case .closeBracket: throw ScimFilterError("empty value filter '[]'", at: open)
        default: break
        }
        let filter = try parseFilter(depth: depth + 1, insideValuePath: true)
        try expectClosing(.closeBracket, openedAt: open)
        return filter
    }

    /// If the cursor is on a `.sub` word (which can only legitimately follow `]`), returns the validated name
    /// and the word as written, without consuming it.
    func parseSubAttributeAfterBracket() throws(ScimFilterError) -> (name: String, written: String)? {
        guard case .word(let word) = current.kind, word.hasPrefix(".") else { return nil }
        let name = String(word.dropFirst())
        guard ScimAttributePathSyntax.isValidName(Array(name.utf8)[...]) else {
            throw ScimFilterError(
                "invalid sub-attribute \(ScimFilterTokenKind.word(word).quoted) after ']'", at: current.offset)
        }
        return (name, word)
    }

    /// An attribute path in a filter: a valid `attrPath` that is not a bare keyword or literal.
    private func filterAttributePath(_ word: String, at offset: Int, written: String? = nil) throws(ScimFilterError)
        -> ScimAttributePath
    {
        let path = try ScimAttributePathSyntax.parse(word, at: offset)
        if path.schema == nil, path.subAttribute == nil {
            let written = written ?? word
            let name = path.attribute
            if ["true", "false", "null"].contains(where: { ScimFilterLexer.isKeyword(name, $0) }) {
                throw ScimFilterError("expected an attribute path, found the value '\(written)'", at: offset)
            }
            if ["and", "or", "not"].contains(where: { ScimFilterLexer.isKeyword(name, $0) }) {
                throw ScimFilterError("expected an attribute path, found the keyword '\(written)'", at: offset)
            }
        }
        return path
    }

    /// `SP "pr"` or `SP compareOp SP compValue`, with the cursor after the attribute path.
    private mutating func parseCondition(on path: ScimAttributePath, written: String) throws(ScimFilterError)
        -> ScimFilter
    {
        guard case .word(let operatorWord) = current.kind else {
            throw ScimFilterError(
                "expected an operator after '\(written)', found \(current.kind.quoted)", at: current.offset)
        }
        let operatorOffset = current.offset
        advance()
        if ScimFilterLexer.isKeyword(operatorWord, "pr") {
            if current.kind.isValue {
                throw ScimFilterError("'pr' takes no value, found \(current.kind.quoted)", at: current.offset)
            }
            return .present(path)
        }
        let comparison = ScimCompareOperator.allCases.first { ScimFilterLexer.isKeyword(operatorWord, $0.rawValue) }
        guard let comparison else {
            throw ScimFilterError("unknown operator '\(ScimFilterLexer.abbreviated(operatorWord))'", at: operatorOffset)
        }
        return .compare(path, comparison, try parseValue(after: operatorWord))
    }

    private mutating func parseValue(after operatorWord: String) throws(ScimFilterError) -> ScimFilterValue {
        let value: ScimFilterValue
        switch current.kind {
        case .string(let text): value = .string(text)
        case .number(let number): value = .number(number)
        case let kind where kind.isKeyword("true"): value = .bool(true)
        case let kind where kind.isKeyword("false"): value = .bool(false)
        case let kind where kind.isKeyword("null"): value = .null
        case .end:
            throw ScimFilterError("missing value after '\(operatorWord)'", at: current.offset)
        default:
            throw ScimFilterError(
                "expected a value (string, number, true, false or null) after '\(operatorWord)', "
                    + "found \(current.kind.quoted)", at: current.offset)
        }
        advance()
        return value
    }

    private func checkNesting(depth: Int, at offset: Int) throws(ScimFilterError) {
        if depth + 1 > maxDepth {
            throw ScimFilterError("nesting deeper than \(maxDepth) levels", at: offset)
        }
    }

    private mutating func expectClosing(_ closing: ScimFilterTokenKind, openedAt open: Int) throws(ScimFilterError) {
        if current.kind == closing {
            advance()
            return
        }
        let opening = closing == .closeParen ? "'('" : "'['"
        if current.kind == .end {
            throw ScimFilterError("unclosed \(opening) opened at offset \(open)", at: current.offset)
        }
        throw ScimFilterError(
            "expected \(closing.quoted) to close \(opening) at offset \(open), found \(current.kind.quoted)",
            at: current.offset)
    }
}
