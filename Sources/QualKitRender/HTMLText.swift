/// Escaping for HTML text and attribute values. Every string that reaches a page goes through one of these.
public enum HTMLText {
    /// Escapes text for an element's content: `& < > " '` become references, and characters HTML forbids
    /// (NUL, C0/C1 controls other than tab, LF, CR; lone surrogates cannot occur in Swift strings;
    /// noncharacters) become U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if isForbidden(scalar) {
                    out.unicodeScalars.append("\u{FFFD}")
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Escapes a value for a double-quoted attribute (the same rules as text: quotes are always escaped).
    public static func attribute(_ value: String) -> String { escape(value) }

    static func isForbidden(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v == 0x09 || v == 0x0A || v == 0x0D { return false }
        if v < 0x20 || (0x7F...0x9F).contains(v) { return true }
        if (0xFDD0...0xFDEF).contains(v) || (v & 0xFFFE) == 0xFFFE { return true }
        return false
    }
}

/// A small HTML writer: escaped text, escaped attributes, nothing raw except the renderer's own markup.
struct HTMLWriter {
    private(set) var html = ""

    mutating func raw(_ s: String) { html += s }

    mutating func text(_ s: String) { html += HTMLText.escape(s) }

    /// `<name a="v" …>`; attributes with a nil value are left out, an empty string writes `a=""`.
    mutating func open(_ name: String, _ attributes: [(String, String?)] = []) {
        html += "<" + name + Self.attributes(attributes) + ">"
    }

    mutating func close(_ name: String) { html += "</" + name + ">" }

    /// `<name …>escaped text</name>`.
    mutating func element(_ name: String, _ attributes: [(String, String?)] = [], text: String) {
        open(name, attributes)
        self.text(text)
        close(name)
    }

    mutating func line() { html += "\n" }

    static func attributes(_ attributes: [(String, String?)]) -> String {
        var s = ""
        for (name, value) in attributes {
            guard let value else { continue }
            s += " " + name + "=\"" + HTMLText.attribute(value) + "\""
        }
        return s
    }
}

/// The URL schemes MTurk's FormattedContent allows in links and images; nothing else (never `javascript:`,
/// `data:`, `vbscript:` or relative URLs) is written into a page.
public enum SafeURL {
    public static let allowedSchemes: Set<String> = ["http", "https", "ftp", "mailto", "news", "nntp", "gopher", "telnet"]

    /// The URL, trimmed of surrounding whitespace, when its scheme is allowed; nil otherwise.
    /// - Parameter schemes: the schemes accepted (default: FormattedContent's list).
    public static func check(_ value: String, schemes: Set<String> = allowedSchemes) -> String? {
        let trimmed = value.trimmingURLSpace()
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let scheme = trimmed[..<colon]
        guard !scheme.isEmpty, scheme.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) })
        else { return nil }
        guard schemes.contains(scheme.lowercased()) else { return nil }
        // Controls inside a URL are stripped by browsers and could hide a different scheme or a line break.
        guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        let rest = trimmed[trimmed.index(after: colon)...]
        if ["http", "https", "ftp"].contains(scheme.lowercased()), !rest.hasPrefix("//") { return nil }
        return trimmed
    }
}

extension String {
    /// Drops leading and trailing whitespace and C0 controls, as browsers do with URL attribute values.
    func trimmingURLSpace() -> String {
        func trim(_ c: Unicode.Scalar) -> Bool { c.value <= 0x20 || c.properties.isWhitespace }
        var scalars = Substring(self).unicodeScalars
        while let f = scalars.first, trim(f) { scalars.removeFirst() }
        while let l = scalars.last, trim(l) { scalars.removeLast() }
        return String(scalars)
    }
}
