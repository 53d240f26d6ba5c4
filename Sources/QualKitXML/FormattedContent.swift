import Foundation
/// Checks the XHTML held by a `FormattedContent` element (usually in a CDATA section) against
/// MTurk's XHTML subset, with positions mapped back to the outer file.
extension SecureXML {
    static let xhtmlNamespace = "http://www.w3.org/1999/xhtml"
    private static let wrapperOpen = "<FormattedContent xmlns=\"\(xhtmlNamespace)\">"

    /// Parses and validates one FormattedContent block.
    /// - Parameters:
    ///   - text: the element's text (the CDATA content).
    ///   - origin: where that text starts in the outer file (`XMLElementNode.contentLocation`).
    /// - Returns: the XHTML tree (root `FormattedContent` in the XHTML namespace) when well-formed, and the problems.
    public static func formattedContent(_ text: String, origin: SourceLocation) -> XMLLoadResult {
        let wrapped = Array((wrapperOpen + text + "</FormattedContent>").utf8)
        var result = load(wrapped, file: nil, limits: XMLLimits(maxBytes: Int.max), forceUTF8: true) { name, ns in
            name == "FormattedContent" && ns == xhtmlNamespace ? .formattedContent : nil
        }
        let prefix = wrapperOpen.count
        func mapped(_ location: SourceLocation?) -> SourceLocation {
            guard let location, location.line > 0 else { return origin }
            if location.line == 1 {
                return SourceLocation(file: origin.file, line: origin.line,
                                      column: max(origin.column, origin.column + location.column - 1 - prefix))
            }
            return SourceLocation(file: origin.file, line: origin.line + location.line - 1, column: location.column)
        }
        result.diagnostics = result.diagnostics.map { d in
            var d = d
            d.location = mapped(d.location)
            switch d.code {
            case .malformedXML where d.message.hasPrefix("unknown entity"):
                d.code = .formattedContentEntity
                d.message = "FormattedContent uses an HTML " + d.message.replacingFirst("unknown entity", with: "named entity")
                d.hint = "MTurk's XHTML is parsed as XML: use numeric references such as &#160; (nbsp), &#169; (copy), &#8212; (mdash)"
            case .malformedXML, .doctypeForbidden, .badEncoding, .tooDeep:
                d.code = .formattedContentMalformed
                d.message = "FormattedContent is not well-formed XHTML: " + d.message
                if d.hint == nil { d.hint = "close every tag, quote every attribute value, write tags in lower case" }
            default:
                break
            }
            return d
        }
        if text.contains("<!--") {
            var offset = 0
            if let r = text.range(of: "<!--") { offset = text.distance(from: text.startIndex, to: r.lowerBound) }
            let before = text.prefix(offset)
            let line = before.filter { $0 == "\n" }.count
            let column = line == 0 ? origin.column + offset : offset - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) } ?? 0)
            result.diagnostics.append(Diagnostic(
                .formattedContentDisallowed, nil, "FormattedContent may not contain XML comments",
                hint: "remove the <!-- … --> comment", at: SourceLocation(file: origin.file, line: origin.line + line, column: column)))
        }
        result.root = result.root.map { relocate($0, mapped) }
        return result
    }

    private static func relocate(_ node: XMLElementNode, _ mapped: (SourceLocation?) -> SourceLocation) -> XMLElementNode {
        var node = node
        node.location = mapped(node.location)
        node.contentLocation = mapped(node.contentLocation)
        node.children = node.children.map {
            if case .element(let e) = $0 { return .element(relocate(e, mapped)) }
            return $0
        }
        return node
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = range(of: target) else { return self }
        return replacingCharacters(in: r, with: replacement)
    }
}
