import Foundation
internal import CLibXML2
import QualKitSchemas

/// A schema compiled once from its embedded text and shared by every validation.
/// Immutable after compilation; each validation uses its own validation context.
final class CompiledSchema: @unchecked Sendable {
    let pointer: xmlSchemaPtr
    let schema: MTurkSchema

    init(_ schema: MTurkSchema) {
        LibXML2.initialized
        self.schema = schema
        let bytes = schema.embedded.bytes
        let sink = ErrorSink()
        let compiled: xmlSchemaPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                // The parser context does not copy the buffer: create, parse and free it inside this closure.
                guard let pctxt = xmlSchemaNewMemParserCtxt(base, Int32(buffer.count)) else { return nil }
                defer { xmlSchemaFreeParserCtxt(pctxt) }
                xmlSchemaSetParserStructuredErrors(pctxt, ErrorSink.callback, sink.opaque)
                return sink.capturing { xmlSchemaParse(pctxt) }
            }
        }
        guard let compiled else {
            // Our own embedded schemas always compile (a test checks it); reaching this is a build defect.
            fatalError("QualKit's embedded schema \(schema.embedded.rawValue) does not compile: \(sink.errors.map(\.message))")
        }
        pointer = compiled
    }

    deinit { xmlSchemaFree(pointer) }

    private static let compiled: [MTurkSchema: CompiledSchema] = {
        Dictionary(uniqueKeysWithValues: MTurkSchema.allCases.map { ($0, CompiledSchema($0)) })
    }()

    static func shared(_ schema: MTurkSchema) -> CompiledSchema { compiled[schema]! }
}

enum SchemaValidation {
    static func validate(_ doc: xmlDocPtr, against schema: MTurkSchema, builder: TreeBuilder, file: String?) -> [Diagnostic] {
        let compiled = CompiledSchema.shared(schema)
        guard let vctxt = xmlSchemaNewValidCtxt(compiled.pointer) else { return [] }
        defer { xmlSchemaFreeValidCtxt(vctxt) }
        let sink = ErrorSink()
        xmlSchemaSetValidStructuredErrors(vctxt, ErrorSink.callback, sink.opaque)
        _ = withExtendedLifetime(sink) { xmlSchemaValidateDoc(vctxt, doc) }
        return sink.errors.map { e in
            let location = builder.location(of: e.node) ?? SourceLocation(file: file, line: e.line, column: 0)
            return describe(e.message, schema: schema, at: location)
        }
    }

    /// Turns a libxml2 schema message into a plain-language diagnostic with a fix hint.
    static func describe(_ raw: String, schema: MTurkSchema, at location: SourceLocation) -> Diagnostic {
        let message = plain(raw)
        let fc = schema == .formattedContent
        if raw.contains("This element is not expected") {
            let expected = expectedList(raw)
            let hint = expected.map { "expected here: \($0); check the spelling, the order of elements and the namespace" }
                ?? "remove this element or move it to where the schema allows it"
            return Diagnostic(fc ? .formattedContentDisallowed : .unexpectedElement, nil, message,
                              hint: fc ? "MTurk's XHTML subset has no such element here (no div, span, style, script, form…); use p, ul, table, b, i…" : hint,
                              at: location)
        }
        if raw.contains("Missing child element") {
            let hint = expectedList(raw).map { "add \($0) here (child elements must come in the schema's order)" }
            return Diagnostic(fc ? .formattedContentInvalid : .missingElement, nil, message, hint: hint, at: location)
        }
        if raw.contains("attribute") && (raw.contains("is not allowed") || raw.contains("required but missing")) {
            if fc {
                if raw.contains("required but missing") {
                    return Diagnostic(.formattedContentMissingAttribute, nil, message,
                                      hint: "img and area need alt (a text description), img needs src, map needs id and name", at: location)
                }
                return Diagnostic(.formattedContentDisallowed, nil, message,
                                  hint: "MTurk's XHTML subset has no id, class or style attributes and no event handlers", at: location)
            }
            return Diagnostic(.attributeProblem, nil, message, hint: "see the element's allowed attributes in the QuestionForm documentation", at: location)
        }
        if raw.contains("[facet 'pattern']") && (raw.contains("'href'") || raw.contains("'src'") || raw.contains("DataURL") || raw.contains("URL")) {
            return Diagnostic(fc ? .formattedContentURL : .invalidValue, nil, message,
                              hint: fc ? "use an absolute URL with an allowed scheme (http://, https://, ftp://, mailto:…); no relative or javascript: URLs"
                                       : "use an absolute http:// or https:// URL", at: location)
        }
        if raw.contains("is not a valid value") || raw.contains("[facet") || raw.contains("Character content")
            || raw.contains("is not accepted") {
            return Diagnostic(fc ? .formattedContentInvalid : .invalidValue, nil, message, hint: valueHint(raw), at: location)
        }
        return Diagnostic(fc ? .formattedContentInvalid : .schemaOther, nil, message, at: location)
    }

    static func valueHint(_ raw: String) -> String? {
        if raw.contains("xs:boolean") { return "write true, false, 1 or 0 (lower case)" }
        if raw.contains("xs:positiveInteger") { return "write a whole number of 1 or more" }
        if raw.contains("xs:nonNegativeInteger") { return "write a whole number of 0 or more" }
        if raw.contains("xs:int") || raw.contains("Int32") || raw.contains("2147483647") || raw.contains("-2147483648") {
            return "write a whole number between -2147483648 and 2147483647 (no decimals)"
        }
        if raw.contains("xs:double") { return "write a decimal number such as 1.5" }
        if raw.contains("'enumeration'") { return "use one of the listed values exactly (values are case-sensitive)" }
        if raw.contains("Character content") { return "this element must be empty: put values in its attributes" }
        return nil
    }

    /// "Expected is ( {ns}A, {ns}B )." → "<A>, <B>"
    static func expectedList(_ raw: String) -> String? {
        guard let range = raw.range(of: "Expected is") else { return nil }
        var tail = String(raw[range.upperBound...])
        tail = stripNamespaces(tail)
        tail = tail.replacingOccurrences(of: "one of", with: "")
        let names = tail.split(whereSeparator: { " (),.".contains($0) }).map { "<\($0)>" }
        return names.isEmpty ? nil : names.joined(separator: " or ")
    }

    static func plain(_ raw: String) -> String {
        var s = stripNamespaces(raw).replacingOccurrences(of: "the atomic type 'Int32'", with: "xs:int (a 32-bit whole number)")
        if s.hasPrefix("Element '") , let close = s.dropFirst(9).firstIndex(of: "'") {
            let name = s[s.index(s.startIndex, offsetBy: 9)..<close]
            s = "<\(name)>" + s[s.index(after: close)...]
        }
        if let r = s.range(of: " Expected is") { s = String(s[..<r.lowerBound]) }
        while s.last == "." || s.last == " " { s.removeLast() }
        return s
    }

    static func stripNamespaces(_ s: String) -> String {
        var out = ""
        var depth = 0
        for ch in s {
            if ch == "{" { depth += 1; continue }
            if ch == "}" && depth > 0 { depth -= 1; continue }
            if depth == 0 { out.append(ch) }
        }
        return out
    }
}
