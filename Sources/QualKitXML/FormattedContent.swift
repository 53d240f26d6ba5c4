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
        // HTML named entities (&nbsp; …) are reported one by one, then blanked out with spaces of the same
        // length so the rest of the block can still be checked with unchanged columns.
        let (cleaned, entities) = blankNamedEntities(text)
        let wrapped = Array((wrapperOpen + cleaned + "</FormattedContent>").utf8)
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
        for (name, line, column) in entities {
            result.diagnostics.append(Diagnostic(
                .formattedContentEntity, nil, "FormattedContent uses the HTML named entity &\(name);, which XML does not define",
                hint: "MTurk's XHTML is parsed as XML: use a numeric reference such as &#160; (nbsp), &#169; (copy), &#8212; (mdash)",
                at: mapped(SourceLocation(line: line, column: column + (line == 1 ? prefix : 0)))))
        }
        result.diagnostics = result.diagnostics.sortedByLocation()
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

extension SecureXML {
    static let predefinedEntities: Set<String> = ["lt", "gt", "amp", "quot", "apos"]

    /// Replaces `&name;` references that XML does not predefine with spaces; returns the names and their
    /// 1-based line and column within `text`.
    static func blankNamedEntities(_ text: String) -> (String, [(String, Int, Int)]) {
        var scalars = Array(text.unicodeScalars)
        var found: [(String, Int, Int)] = []
        var line = 1, column = 1, i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "&", i + 1 < scalars.count, scalars[i + 1].properties.isAlphabetic {
                var j = i + 1
                while j < scalars.count, scalars[j].properties.isAlphabetic || ("0"..."9").contains(scalars[j]) { j += 1 }
                if j < scalars.count, scalars[j] == ";" {
                    let name = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
                    if !predefinedEntities.contains(name) {
                        found.append((name, line, column))
                        for k in i...j { scalars[k] = " " }
                    }
                    column += j + 1 - i
                    i = j + 1
                    continue
                }
            }
            if c == "\n" { line += 1; column = 1 } else { column += 1 }
            i += 1
        }
        return (String(String.UnicodeScalarView(scalars)), found)
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = range(of: target) else { return self }
        return replacingCharacters(in: r, with: replacement)
    }
}
