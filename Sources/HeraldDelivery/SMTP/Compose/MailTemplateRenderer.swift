import Foundation
import HeraldCore
import Mustache
import Synchronization

/// Renders a template's subject, text and HTML with Mustache: the HTML part HTML-escapes every `{{variable}}`,
/// the subject and the text part do not (they are not HTML). Every declared variable must be given.
public enum MailTemplateRenderer {
    /// The rendered parts of one mail.
    public struct Rendered: Sendable, Hashable {
        public var subject: String
        public var text: String
        public var html: String
    }

    /// - Throws: `invalid_field` (`variables`) naming the declared variables that are missing; `invalid_field`
    ///   (`template`) when a part is not valid Mustache.
    public static func render(_ template: EmailTemplate, variables: [String: String]) throws -> Rendered {
        let missing = template.variables.filter { variables[$0] == nil }
        guard missing.isEmpty else {
            throw HeraldError.invalid(
                "variables",
                "template \(template.name) needs the variables \(missing.sorted().joined(separator: ", "))")
        }
        // Empty values are left out of the context: `{{name}}` renders nothing and `{{#name}}` sections are
        // skipped, as for an optional value (Mustache takes an empty string for true).
        let context = variables.filter { !$0.value.isEmpty }
        let subject = try compile(template.subject, text: true, part: "subject").render(context)
        let html = try compile(template.htmlBody, text: false, part: "html_body").render(context)
        let text = try template.textBody.map { try compile($0, text: true, part: "text_body").render(context) }
        // A CR or LF in the subject (from a variable) is refused when the message is rendered, never cleaned.
        return Rendered(subject: subject, text: text ?? plainText(fromHTML: html), html: html)
    }

    /// Checks a template's parts before it is stored: valid Mustache, and every name it uses declared.
    /// - Throws: `invalid_field` naming the part or `variables`.
    public static func check(subject: String, htmlBody: String, textBody: String?, variables: [String]) throws {
        for (part, text) in [("subject", subject), ("html_body", htmlBody), ("text_body", textBody ?? "")] {
            _ = try compile(text, text: part != "html_body", part: part)
            let undeclared = names(in: text).subtracting(variables)
            guard undeclared.isEmpty else {
                throw HeraldError.invalid(
                    "variables", "\(part) uses \(undeclared.sorted().joined(separator: ", ")), which variables does not declare")
            }
        }
    }

    /// Compiled templates by their full source (pragma included): compiling is a pure function of the text, so
    /// an edited template is simply a new entry. Bounded; emptied when full.
    private static let compiled = Mutex<[String: MustacheTemplate]>([:])
    private static let compiledLimit = 512

    static func compile(_ source: String, text: Bool, part: String) throws -> MustacheTemplate {
        let full = (text ? "{{% CONTENT_TYPE: TEXT}}" : "") + source
        if let template = compiled.withLock({ $0[full] }) { return template }
        do {
            let template = try MustacheTemplate(string: full)
            compiled.withLock { cache in
                if cache.count >= compiledLimit { cache.removeAll(keepingCapacity: true) }
                cache[full] = template
            }
            return template
        } catch {
            // The parser's error holds the pragma Herald prepends: name the part only.
            throw HeraldError.invalid(part, "\(part) is not a valid Mustache template (an unclosed tag or section?)")
        }
    }

    /// The variable names a template refers to (`{{name}}`, `{{{name}}}`, `{{&name}}`, sections `{{#name}}`,
    /// `{{^name}}`), dotted names by their first part.
    static func names(in source: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            var tag = rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[close.upperBound...]
            if tag.hasPrefix("{") { tag = String(tag.dropFirst()) }
            if let first = tag.first, "!%>/=".contains(first) { continue }
            if let first = tag.first, "#^&".contains(first) { tag = String(tag.dropFirst()) }
            let name = tag.trimmingCharacters(in: .whitespaces).split(separator: ".").first.map(String.init) ?? ""
            if !name.isEmpty && name != "." { names.insert(name) }
        }
        return names
    }

    /// A text part for a template without one: the HTML with its tags removed and its entities decoded.
    static func plainText(fromHTML html: String) -> String {
        var text = html.replacingOccurrences(of: "<br>", with: "\n").replacingOccurrences(of: "</p>", with: "\n\n")
        while let start = text.range(of: "<"), let end = text.range(of: ">", range: start.upperBound..<text.endIndex) {
            text.removeSubrange(start.lowerBound..<end.upperBound)
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
