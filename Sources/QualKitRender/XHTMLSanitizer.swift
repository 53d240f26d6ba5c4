import QualKit

/// Renders a FormattedContent block from its parsed XHTML tree, keeping only the elements and attributes of
/// MTurk's XHTML subset (facts §3.3) and URLs with an allowed scheme. Everything else is dropped and reported.
struct XHTMLSanitizer {
    static let xhtmlNamespace = "http://www.w3.org/1999/xhtml"
    static let common: Set<String> = ["title", "dir", "lang"]

    /// Extra attributes per allowed element (besides `title dir lang`, except where noted).
    static let allowed: [String: Set<String>] = {
        var t: [String: Set<String>] = [:]
        for h in ["p", "h1", "h2", "h3", "h4", "h5", "h6"] { t[h] = ["align"] }
        t["ul"] = ["compact", "type"]
        t["ol"] = ["compact", "start", "type"]
        t["li"] = ["type", "value"]
        t["dl"] = ["compact"]
        t["dt"] = []
        t["br"] = []  // its attributes are brAttributes
        t["dd"] = []
        t["hr"] = ["align", "noshade", "size", "width"]
        t["pre"] = ["width"]
        t["blockquote"] = ["cite"]
        t["q"] = ["cite"]
        for e in ["center", "em", "strong", "code", "cite", "sub", "sup", "i", "b", "big", "small", "u", "s", "strike"] {
            t[e] = []
        }
        t["ins"] = ["cite", "datetime"]
        t["del"] = ["cite", "datetime"]
        t["font"] = ["color", "face", "size"]
        t["a"] = ["accesskey", "charset", "coords", "href", "hreflang", "name", "rel", "rev", "shape", "tabindex", "target", "type"]
        t["img"] = ["align", "alt", "border", "height", "hspace", "ismap", "longdesc", "name", "src", "usemap", "vspace", "width"]
        t["map"] = ["id", "name"]
        t["area"] = ["accesskey", "alt", "coords", "href", "nohref", "shape", "tabindex", "target"]
        t["table"] = ["align", "bgcolor", "border", "cellpadding", "cellspacing", "frame", "rules", "summary", "width"]
        for e in ["thead", "tfoot", "tbody"] { t[e] = ["align", "char", "charoff", "valign"] }
        for e in ["colgroup", "col"] { t[e] = ["align", "char", "charoff", "span", "valign", "width"] }
        t["tr"] = ["align", "bgcolor", "char", "charoff", "valign"]
        for e in ["th", "td"] {
            t[e] = ["abbr", "align", "axis", "bgcolor", "char", "charoff", "colspan", "headers", "height", "nowrap",
                    "rowspan", "scope", "valign", "width"]
        }
        return t
    }()

    /// `br` takes only `title` and `clear`; `iframe` (2017 only) only `title` and its own list.
    static let brAttributes: Set<String> = ["title", "clear"]
    static let iframeAttributes: Set<String> = ["title", "align", "frameborder", "height", "longdesc", "marginheight",
                                                "marginwidth", "name", "scrolling", "src", "width"]
    static let urlAttributes: Set<String> = ["href", "src", "longdesc", "cite"]
    static let voidElements: Set<String> = ["br", "hr", "img", "area", "col"]
    /// Dropped together with everything inside them (their content is code or form controls, not prose).
    static let dropWithContent: Set<String> = ["script", "style", "noscript", "template", "object", "embed", "applet",
                                               "svg", "math", "head", "title", "textarea", "select", "button", "frame",
                                               "frameset", "iframe", "link", "meta", "base", "audio", "video", "canvas"]

    let version: QuestionFormVersion
    /// Where this block is, for messages ("question q1", "overview 1", …).
    let place: String
    let origin: SourceLocation?
    /// Prefix for `map` ids so they cannot collide with the page's own ids.
    let idPrefix: String
    private(set) var diagnostics: [Diagnostic] = []
    private(set) var out = HTMLWriter()

    init(version: QuestionFormVersion, place: String, origin: SourceLocation?, idPrefix: String) {
        self.version = version
        self.place = place
        self.origin = origin
        self.idPrefix = idPrefix
    }

    /// Renders a block; returns the HTML and the problems. Malformed XHTML is shown as plain text.
    static func render(_ content: FormattedContent, version: QuestionFormVersion, place: String, idPrefix: String)
        -> (html: String, diagnostics: [Diagnostic])
    {
        let origin = content.origin.location
        let parsed = SecureXML.formattedContent(content.xhtml, origin: origin ?? SourceLocation(line: 0))
        var s = XHTMLSanitizer(version: version, place: place, origin: origin, idPrefix: idPrefix)
        guard let root = parsed.root else {
            let first = parsed.diagnostics.first { $0.severity == .error }
            s.report(.formattedContentMalformed, "FormattedContent in \(place) is not well-formed XHTML"
                     + (first.map { " (\($0.message))" } ?? "") + "; it is shown as plain text",
                     hint: "fix the markup (qualkit lint shows where)", at: first?.location)
            s.out.raw("<pre class=\"qk-malformed\">")
            s.out.text(content.xhtml)
            s.out.raw("</pre>")
            return (s.out.html, s.diagnostics)
        }
        for child in root.children { s.node(child) }
        return (s.out.html, s.diagnostics)
    }

    /// The text of a block without markup (for `<option>` labels), or the raw text when malformed.
    static func plainText(_ content: FormattedContent) -> String {
        let parsed = SecureXML.formattedContent(content.xhtml, origin: SourceLocation(line: 0))
        guard let root = parsed.root else { return content.xhtml }
        func collect(_ e: XMLElementNode) -> String {
            if dropWithContent.contains(e.localName) { return "" }
            var s = ""
            for c in e.children {
                switch c {
                case .text(let t): s += t
                case .element(let child): s += (child.localName == "img" ? (child.attribute("alt") ?? "") : "") + collect(child)
                }
            }
            return s
        }
        return collect(root).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    mutating func report(_ code: DiagnosticCode, _ message: String, hint: String? = nil, at location: SourceLocation? = nil) {
        diagnostics.append(Diagnostic(code, .warning, message, hint: hint, at: location ?? origin))
    }

    private mutating func node(_ child: XMLChildNode) {
        switch child {
        case .text(let t): out.text(t)
        case .element(let e): element(e)
        }
    }

    private mutating func element(_ e: XMLElementNode) {
        let name = e.localName
        guard e.namespace == Self.xhtmlNamespace else {
            report(.formattedContentDisallowed,
                   "dropped <\(name)> (namespace \(e.namespace ?? "none")) and its content from FormattedContent in \(place)",
                   hint: "FormattedContent holds XHTML only, without namespace prefixes", at: e.location)
            return
        }
        let isIframe = name == "iframe" && version == .v2017
        guard let extra = Self.allowed[name] ?? (isIframe ? [] : nil) else {
            if Self.dropWithContent.contains(name) {
                report(.formattedContentDisallowed, "dropped <\(name)> and its content from FormattedContent in \(place)",
                       hint: "MTurk's XHTML subset has no <\(name)>", at: e.location)
            } else {
                report(.formattedContentDisallowed, "dropped the tag <\(name)> (its text is kept) from FormattedContent in \(place)",
                       hint: "MTurk's XHTML subset has no <\(name)>; use <p>, <b>, <i>, lists or tables", at: e.location)
                for c in e.children { node(c) }
            }
            return
        }
        let permitted: Set<String> = name == "br" ? Self.brAttributes : isIframe ? Self.iframeAttributes : extra.union(Self.common)
        var attrs: [(String, String?)] = []
        for a in e.attributes {
            let attrName = a.localName
            if a.namespace == "http://www.w3.org/XML/1998/namespace" && attrName == "space" && name == "pre" { continue }
            guard a.namespace == nil, permitted.contains(attrName) else {
                let shown = a.namespace == nil ? attrName : "{\(a.namespace!)}\(attrName)"
                report(.formattedContentDisallowed, "dropped the attribute \(shown) of <\(name)> in FormattedContent in \(place)",
                       hint: attrName.hasPrefix("on") ? "event handlers (JavaScript) are not allowed"
                           : "MTurk allows only title, dir, lang and the element's own presentational attributes",
                       at: e.location)
                continue
            }
            if Self.urlAttributes.contains(attrName) {
                guard let url = SafeURL.check(a.value) else {
                    report(.formattedContentURL, "dropped \(attrName)=\"\(a.value)\" of <\(name)> in FormattedContent in \(place): "
                           + "only absolute http, https, ftp, mailto, news, nntp, gopher and telnet URLs are allowed",
                           hint: "write an absolute URL such as https://example.com/picture.png", at: e.location)
                    continue
                }
                attrs.append((attrName, url))
            } else if attrName == "usemap" {
                guard a.value.hasPrefix("#"), a.value.count > 1 else {
                    report(.formattedContentURL, "dropped usemap=\"\(a.value)\" of <\(name)> in \(place): it must name a map as #name",
                           at: e.location)
                    continue
                }
                attrs.append((attrName, a.value))
            } else if attrName == "id" {
                attrs.append((attrName, idPrefix + a.value))
            } else {
                attrs.append((attrName, a.value))
            }
        }
        if name == "a" || name == "area", attrs.contains(where: { $0.0 == "target" }) {
            attrs.removeAll { $0.0 == "rel" }
            attrs.append(("rel", "noopener noreferrer"))
        }
        if isIframe {
            // Framed pages may not run scripts, submit forms or navigate this page.
            attrs.append(("sandbox", ""))
            attrs.append(("referrerpolicy", "no-referrer"))
        }
        if name == "img", !attrs.contains(where: { $0.0 == "alt" }) {
            report(.formattedContentMissingAttribute, "<img> without alt in FormattedContent in \(place): written with alt=\"\"",
                   hint: "add alt text describing the picture", at: e.location)
            attrs.append(("alt", ""))
        }
        if name == "img", !attrs.contains(where: { $0.0 == "src" }) {
            report(.formattedContentMissingAttribute, "dropped <img> without a usable src in FormattedContent in \(place)", at: e.location)
            return
        }
        // A wide table scrolls inside its own box instead of widening the page on a phone.
        if name == "table" { out.raw("<div class=\"qk-table\">") }
        out.open(name, attrs)
        if Self.voidElements.contains(name) {
            // Void elements have no content in HTML; anything inside is reported.
            if !e.children.isEmpty, e.children.contains(where: { if case .text(let t) = $0 { !t.allSatisfy(\.isWhitespace) } else { true } }) {
                report(.formattedContentDisallowed, "dropped the content of <\(name)> in FormattedContent in \(place) (it must be empty)",
                       at: e.location)
            }
            return
        }
        for c in e.children { node(c) }
        out.close(name)
        if name == "table" { out.raw("</div>") }
    }
}
