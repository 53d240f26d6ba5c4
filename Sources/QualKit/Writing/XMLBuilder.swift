import Foundation

/// A small indenting XML text builder with correct escaping (used by the model writers).
struct XMLBuilder {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var depth = 0

    static func escape(_ s: String, attribute: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\r": out += "&#13;"
            case "\n" where attribute: out += "&#10;"
            case "\t" where attribute: out += "&#9;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    private static func attributes(_ attrs: [(String, String?)]) -> String {
        attrs.compactMap { name, value in value.map { " \(name)=\"\(escape($0, attribute: true))\"" } }.joined()
    }

    mutating func open(_ name: String, _ attrs: [(String, String?)] = []) {
        text += "\(indent)<\(name)\(Self.attributes(attrs))>\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        text += "\(indent)</\(name)>\n"
    }

    mutating func element(_ name: String, _ value: String) {
        text += "\(indent)<\(name)>\(Self.escape(value))</\(name)>\n"
    }

    mutating func optional(_ name: String, _ value: String?) {
        if let value { element(name, value) }
    }

    mutating func empty(_ name: String, _ attrs: [(String, String?)]) {
        text += "\(indent)<\(name)\(Self.attributes(attrs))/>\n"
    }

    /// Text in a CDATA section (a `]]>` inside is split across two sections).
    mutating func cdata(_ name: String, _ value: String) {
        let safe = value.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>")
        text += "\(indent)<\(name)><![CDATA[\(safe)]]></\(name)>\n"
    }

    mutating func block(_ name: String, _ attrs: [(String, String?)] = [], _ body: (inout XMLBuilder) -> Void) {
        open(name, attrs)
        body(&self)
        close(name)
    }
}
