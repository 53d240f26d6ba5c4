import Foundation
public import QualKit
import QualKitScoring

/// Renders a QuestionForm as one self-contained HTML page: inline CSS, no JavaScript, every text and attribute
/// escaped, FormattedContent reduced to MTurk's XHTML subset. Pure: values in, a string out.
public enum FormRenderer {
    /// Renders `form`.
    /// - Parameters:
    ///   - form: the QuestionForm (as loaded by `MTurkDocuments.questionForm`).
    ///   - options: preview (with optional key and answers overlays) or the worker portal's form.
    /// - Returns: the HTML and warnings about everything left out of it.
    public static func render(_ form: QuestionForm, options: RenderOptions = .preview) -> RenderedPage {
        var page = PageBuilder(form: form, options: options)
        page.build()
        return RenderedPage(html: page.out.html, diagnostics: page.diagnostics)
    }

    /// The page's CSS, for a caller that renders with `fullDocument: false` inside its own page.
    public static var stylesheet: String { Stylesheet.css }
}

/// Builds one page. Ids are `qk-q<N>` (question N, 0-based), `qk-q<N>-s<J>` (selection J), `qk-q<N>-text`,
/// `qk-q<N>-other`, `qk-q<N>-err`, `qk-q<N>-hint`; FormattedContent map ids get a `qk-fc<K>-` prefix.
struct PageBuilder {
    let form: QuestionForm
    let options: RenderOptions
    var out = HTMLWriter()
    var diagnostics: [Diagnostic] = []
    private var blockCounter = 0

    /// The worker-form settings, when rendering the portal's form.
    let worker: WorkerForm?
    /// Answers shown in the inputs: the worker's previous submission, or the answers overlay.
    let shownAnswers: [String: Answer]
    let key: AnswerKey?
    let overlayAnswers: QuestionFormAnswers?
    var scoringKey: ScoringKey?
    var keyError: ScoringKeyError?
    var outcome: AttemptOutcome?
    var results: [String: QuestionResult] = [:]

    init(form: QuestionForm, options: RenderOptions) {
        self.form = form
        self.options = options
        switch options.mode {
        case .preview:
            worker = nil
            key = options.key
            overlayAnswers = options.answers
        case .workerForm(let w):
            worker = w
            key = nil
            overlayAnswers = nil
        }
        var shown: [String: Answer] = [:]
        for a in (worker?.answers ?? overlayAnswers)?.answers ?? [] where shown[a.questionIdentifier] == nil {
            shown[a.questionIdentifier] = a
        }
        shownAnswers = shown
    }

    var isWorker: Bool { worker != nil }
    /// Inputs are disabled in the preview unless `disableInputs` is false; never in the worker form.
    var disabled: String? { isWorker || !options.disableInputs ? nil : "" }

    // MARK: - Page

    mutating func build() {
        prepareScoring()
        let title = options.pageTitle ?? firstTitle() ?? "Qualification test"
        if options.fullDocument {
            out.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            out.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            out.open("meta", [("http-equiv", "Content-Security-Policy"), ("content", contentSecurityPolicy())])
            out.raw("\n<meta name=\"referrer\" content=\"no-referrer\">\n")
            out.element("title", text: title)
            out.raw("\n<style>\n" + Stylesheet.css + "</style>\n</head>\n<body>\n")
        }
        let modeClass = isWorker ? "qk-mode-worker" : "qk-mode-preview"
        out.open("main", [("class", "qk-page " + modeClass)])
        out.line()
        if !isWorker { banner() }
        if key != nil || keyError != nil { keySummary() }
        if overlayAnswers != nil { answersSummary() }
        if let worker {
            if let summary = worker.summary {
                out.element("p", [("class", "qk-summary"), ("role", "alert")], text: summary)
                out.line()
            }
            out.open("form", [("method", "post"), ("action", formAction(worker.action)), ("class", "qk-form"),
                              ("accept-charset", "utf-8")])
            out.line()
            for field in worker.hiddenFields {
                out.open("input", [("type", "hidden"), ("name", field.name), ("value", field.value)])
                out.line()
            }
        } else {
            out.open("div", [("class", "qk-form")])
            out.line()
        }
        var overviewNumber = 0
        var questionIndex = 0
        for item in form.items {
            switch item {
            case .overview(let content, _):
                overviewNumber += 1
                out.open("section", [("class", "qk-overview"), ("aria-label", "Overview \(overviewNumber)")])
                out.line()
                contentItems(content, place: "overview \(overviewNumber)", heading: "h2")
                out.close("section")
                out.line()
            case .question(let q):
                question(q, index: questionIndex)
                questionIndex += 1
            }
        }
        if let worker {
            out.open("div", [("class", "qk-submit")])
            out.element("button", [("type", "submit")], text: worker.submitLabel)
            out.close("div")
            out.line()
            out.close("form")
        } else {
            out.close("div")
        }
        out.line()
        if let overlayAnswers { unknownAnswers(overlayAnswers) }
        out.close("main")
        out.line()
        if options.fullDocument { out.raw("</body>\n</html>\n") }
    }

    func firstTitle() -> String? {
        for item in form.items {
            let content: [ContentItem]
            switch item {
            case .overview(let c, _): content = c
            case .question(let q): content = q.content
            }
            for case .title(let t) in content { return t }
        }
        return nil
    }

    /// No scripts from anywhere; styles only inline; media only from the form's own http(s) URLs.
    func contentSecurityPolicy() -> String {
        var formAction = "'none'"
        if let worker {
            formAction = "'self'"
            if let url = SafeURL.check(worker.action, schemes: ["http", "https"]), let origin = Self.origin(of: url) {
                formAction += " " + origin
            }
        }
        return "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src http: https:; "
            + "media-src http: https:; frame-src http: https:; form-action \(formAction); base-uri 'none'"
    }

    /// `scheme://host[:port]` of an absolute URL, when it is plain enough for a CSP source expression.
    static func origin(of url: String) -> String? {
        guard let r = url.range(of: "://") else { return nil }
        let rest = url[r.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty, !host.contains("@"),
              host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "[" || $0 == "]") })
        else { return nil }
        return String(url[..<r.upperBound]) + String(host)
    }

    /// The action as given when it is relative or http(s); anything else (e.g. `javascript:`) becomes "".
    mutating func formAction(_ action: String) -> String {
        let beforeDelimiter = action.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if !beforeDelimiter.contains(":") { return action.trimmingURLSpace() }
        if let url = SafeURL.check(action, schemes: ["http", "https"]) { return url }
        diagnostics.append(Diagnostic(.formattedContentURL, .warning,
                                      "the worker form's action \"\(action)\" is neither relative nor http(s); the form posts to its own page",
                                      hint: "pass a relative path or an http(s) URL"))
        return ""
    }

    mutating func banner() {
        out.open("p", [("class", "qk-banner")])
        var text = "Preview: this is how workers see the test. "
            + (options.disableInputs ? "The inputs are disabled." : "The inputs work but nothing is sent anywhere.")
        if key != nil { text += " The answer key is shown in the shaded boxes." }
        if overlayAnswers != nil { text += " The inputs show one worker's answers." }
        out.text(text)
        out.close("p")
        out.line()
    }

    // MARK: - Content

    mutating func nextBlockPrefix() -> String {
        blockCounter += 1
        return "qk-fc\(blockCounter)-"
    }

    mutating func contentItems(_ items: [ContentItem], place: String, heading: String) {
        for item in items {
            switch item {
            case .title(let t):
                out.element(heading, [("class", "qk-title")], text: t)
            case .text(let t):
                out.element("p", [("class", "qk-text")], text: t)
            case .list(let entries):
                out.open("ul", [("class", "qk-list")])
                for e in entries { out.element("li", text: e) }
                out.close("ul")
            case .formattedContent(let fc):
                let prefix = nextBlockPrefix()
                let (html, problems) = XHTMLSanitizer.render(fc, version: form.version, place: place, idPrefix: prefix)
                diagnostics += problems
                out.open("div", [("class", "qk-fc")])
                out.raw(html)
                out.close("div")
            case .binary(let b):
                media(mime: b.mimeType, url: b.dataURL, alt: b.altText, width: nil, height: nil, place: place, block: true)
            case .embeddedBinary(let b):
                media(mime: b.mimeType, url: b.dataURL, alt: b.altText, width: b.width, height: b.height, place: place, block: true)
            case .application(let app):
                application(app, place: place)
            }
            out.line()
        }
    }

    /// An image inline (with its alt text), any other media type as a link; a URL that is not http(s) as text.
    mutating func media(mime: MimeType, url: String, alt: String, width: String?, height: String?, place: String, block: Bool) {
        let wrapper = block ? "p" : "span"
        out.open(wrapper, [("class", "qk-media")])
        guard let safe = SafeURL.check(url, schemes: ["http", "https"]) else {
            diagnostics.append(Diagnostic(.formattedContentURL, .warning,
                                          "the \(mime.description) URL \"\(url)\" in \(place) is not an absolute http(s) URL; shown as text, not fetched",
                                          hint: "MTurk requires DataURL to start with http:// or https://"))
            out.element("span", [("class", "qk-badurl")], text: "\(alt) (\(mime.description), unusable URL: \(url))")
            out.close(wrapper)
            return
        }
        if mime.type.lowercased() == "image" {
            out.open("img", [("src", safe), ("alt", alt), ("width", Self.dimension(width)),
                             ("height", Self.dimension(height)), ("loading", "lazy")])
        } else {
            out.open("a", [("href", safe), ("target", "_blank"), ("rel", "noopener noreferrer")])
            out.text(alt)
            out.close("a")
            out.element("span", [("class", "qk-mime")], text: " (\(mime.description))")
        }
        out.close(wrapper)
    }

    /// A width or height as written when it is a plain number of pixels; else left out.
    static func dimension(_ value: String?) -> String? {
        guard let v = value?.trimmingURLSpace(), !v.isEmpty, v.count <= 6, v.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return v
    }

    mutating func application(_ app: Application, place: String) {
        out.open("p", [("class", "qk-media qk-deprecated")])
        switch app {
        case .flash(let movieURL, _, _, _):
            out.text("Flash movie (deprecated, not shown): ")
            if let safe = SafeURL.check(movieURL, schemes: ["http", "https"]) {
                out.open("a", [("href", safe), ("rel", "noopener noreferrer")])
                out.text(safe)
                out.close("a")
            } else {
                out.text(movieURL)
            }
        case .javaApplet(let path, let filename, _, _, _):
            out.text("Java applet (deprecated, not shown): \(path)\(filename)")
        }
        out.close("p")
        diagnostics.append(Diagnostic(.deprecatedElement, .warning, "\(place) holds a deprecated Flash or Java application; it is listed, not run"))
    }

    // MARK: - Questions

    mutating func question(_ q: Question, index i: Int) {
        let errors = worker?.errors[q.identifier] ?? []
        var classes = "qk-question"
        if !errors.isEmpty { classes += " qk-has-error" }
        out.open("fieldset", [("class", classes), ("id", "qk-q\(i)")])
        out.line()
        out.open("legend")
        out.element("span", [("class", "qk-number")], text: "\(i + 1).")
        out.text(" " + (q.displayName ?? "Question \(i + 1)"))
        if q.required {
            out.raw(" <abbr class=\"qk-required\" title=\"required\">*</abbr><span class=\"qk-sr\"> (required)</span>")
        }
        out.close("legend")
        out.line()
        if !isWorker {
            out.open("p", [("class", "qk-ident")])
            out.text("QuestionIdentifier ")
            out.element("code", text: q.identifier)
            out.close("p")
            out.line()
        }
        contentItems(q.content, place: "question \(i + 1) (\(q.identifier))", heading: "h3")
        if !errors.isEmpty {
            out.open("ul", [("class", "qk-errors"), ("id", "qk-q\(i)-err")])
            for e in errors { out.element("li", text: e) }
            out.close("ul")
            out.line()
        }
        let answer = shownAnswers[q.identifier]
        switch q.answer {
        case .freeText(let f):
            freeText(f, question: q, index: i, answer: answer, describedBy: errors.isEmpty ? nil : "qk-q\(i)-err")
        case .selection(let s):
            selection(s, question: q, index: i, answer: answer, describedBy: errors.isEmpty ? nil : "qk-q\(i)-err")
        case .fileUpload(let u):
            out.element("p", [("class", "qk-hint")],
                        text: "File upload (deprecated; not available in qualification tests): \(u.minFileSizeInBytes)–\(u.maxFileSizeInBytes) bytes")
            out.line()
        }
        if key != nil || keyError != nil { keyBox(q) }
        if overlayAnswers != nil { resultBox(q, answer: answer) }
        out.close("fieldset")
        out.line()
    }

    /// Readable constraints for a free-text field ("a number from 1 to 10", "at most 200 characters", the regexes).
    func constraintHints(_ c: FreeTextConstraints?, showRegex: Bool) -> [String] {
        guard let c else { return [] }
        var hints: [String] = []
        if let n = c.isNumeric {
            switch (n.minValue, n.maxValue) {
            case let (lo?, hi?): hints.append("A number from \(lo) to \(hi).")
            case let (lo?, nil): hints.append("A number, at least \(lo).")
            case let (nil, hi?): hints.append("A number, at most \(hi).")
            case (nil, nil): hints.append("A number.")
            }
        }
        if let l = c.length {
            switch (l.minLength, l.maxLength) {
            case let (lo?, hi?): hints.append("\(lo) to \(hi) characters.")
            case let (lo?, nil): hints.append("At least \(lo) characters.")
            case let (nil, hi?): hints.append("At most \(hi) characters.")
            case (nil, nil): break
            }
        }
        if showRegex {
            for r in c.regexes {
                var h = "Must match /\(r.regex)/\(r.flags ?? "")"
                if let e = r.errorText { h += " (otherwise: \(e))" }
                hints.append(h + ".")
            }
        }
        return hints
    }

    /// Attributes that carry a free-text field's constraints to the browser. No `pattern`: browsers compile it
    /// with the `v` flag, which rejects some regexes MTurk accepts; the server checks AnswerFormatRegex.
    func constraintAttributes(_ c: FreeTextConstraints?) -> [(String, String?)] {
        var attrs: [(String, String?)] = []
        if let n = c?.isNumeric {
            attrs.append(("inputmode", (n.minValue ?? 0) < 0 || n.minValue == nil && n.maxValue == nil ? "decimal" : "numeric"))
            attrs.append(("data-min", n.minValue.map(String.init)))
            attrs.append(("data-max", n.maxValue.map(String.init)))
        }
        if let l = c?.length {
            attrs.append(("minlength", l.minLength.map(String.init)))
            attrs.append(("maxlength", l.maxLength.map(String.init)))
        }
        return attrs
    }

    mutating func hintList(_ hints: [String], id: String) {
        guard !hints.isEmpty else { return }
        out.open("ul", [("class", "qk-hint"), ("id", id)])
        for h in hints { out.element("li", text: h) }
        out.close("ul")
        out.line()
    }

    mutating func freeText(_ f: FreeTextAnswer, question q: Question, index i: Int, answer: Answer?, describedBy: String?) {
        let hints = constraintHints(f.constraints, showRegex: !isWorker)
        let hintID = "qk-q\(i)-hint"
        let described = [describedBy, hints.isEmpty ? nil : hintID].compactMap { $0 }.joined(separator: " ")
        let id = "qk-q\(i)-text"
        let value = answer.map { $0.freeText ?? "" } ?? (f.defaultText ?? "")
        out.open("label", [("for", id), ("class", "qk-sr")])
        out.text("Answer to question \(i + 1)")
        out.close("label")
        var attrs: [(String, String?)] = [("id", id), ("name", FieldName.freeText(question: i).name)]
        attrs += constraintAttributes(f.constraints)
        attrs.append(("required", isWorker && (q.required || (f.constraints?.length?.minLength ?? 0) > 0) ? "" : nil))
        attrs.append(("aria-describedby", described.isEmpty ? nil : described))
        attrs.append(("aria-invalid", describedBy == nil ? nil : "true"))
        attrs.append(("disabled", disabled))
        let lines = f.numberOfLinesSuggestion ?? 1
        if lines > 1 {
            out.open("textarea", [("rows", String(min(lines, 40)))] + attrs)
            // A leading newline right after <textarea> is dropped by HTML parsers: write one so the value keeps its own.
            if value.hasPrefix("\n") || value.hasPrefix("\r") { out.raw("\n") }
            out.text(value)
            out.close("textarea")
        } else {
            out.open("input", [("type", "text")] + attrs + [("value", value)])
        }
        out.line()
        hintList(hints, id: hintID)
    }

    enum Layout { case buttons(multiple: Bool), select(multiple: Bool, placeholder: Bool, size: Int?) }

    static func layout(_ s: SelectionAnswer) -> (SelectionStyle, Layout) {
        let style = s.style ?? (s.effectiveMax > 1 ? .checkbox : .radiobutton)
        let multiple = s.effectiveMax > 1
        let visible = min(max(s.selections.count, 2), 10)
        switch style {
        case .radiobutton: return (style, .buttons(multiple: false))
        case .checkbox: return (style, .buttons(multiple: true))
        case .dropdown: return (style, .select(multiple: false, placeholder: true, size: nil))
        case .list: return (style, .select(multiple: multiple, placeholder: false, size: visible))
        case .multichooser: return (style, .select(multiple: true, placeholder: false, size: visible))
        case .combobox: return (style, .select(multiple: multiple, placeholder: !multiple, size: multiple ? visible : nil))
        }
    }

    func selectionHint(_ s: SelectionAnswer, style: SelectionStyle) -> String? {
        let lo = s.effectiveMin, hi = s.effectiveMax
        guard hi > 1 || lo != 1 else { return nil }
        if lo == hi { return "Choose exactly \(lo)." }
        if lo == 0 { return "Choose at most \(hi)." }
        return "Choose \(lo) to \(hi)."
    }

    mutating func selection(_ s: SelectionAnswer, question q: Question, index i: Int, answer: Answer?, describedBy: String?) {
        let (style, layout) = Self.layout(s)
        let picked = Set(answer?.selectionIdentifiers ?? [])
        var hints: [String] = []
        if let h = selectionHint(s, style: style) { hints.append(h) }
        if !isWorker {
            var h = "StyleSuggestion: \(s.style?.rawValue ?? "none (shown as \(style.rawValue))")"
            h += "; selections \(s.effectiveMin)–\(s.effectiveMax)"
            if s.minSelectionCount == nil || s.maxSelectionCount == nil { h += " (MTurk defaults applied)" }
            hints.append(h + ".")
        }
        let hintID = "qk-q\(i)-hint"
        let described = [describedBy, hints.isEmpty ? nil : hintID].compactMap { $0 }.joined(separator: " ")
        let name = FieldName.selection(question: i).name
        let place = "question \(i + 1) (\(q.identifier))"
        switch layout {
        case .buttons(let multiple):
            out.open("div", [("class", "qk-choices qk-style-\(style.rawValue)"),
                             ("aria-describedby", described.isEmpty ? nil : described)])
            out.line()
            for (j, sel) in s.selections.enumerated() {
                let id = "qk-q\(i)-s\(j)"
                let isPicked = picked.contains(sel.identifier)
                out.open("div", [("class", isPicked && overlayAnswers != nil ? "qk-choice qk-picked" : "qk-choice")])
                out.open("input", [("type", multiple ? "checkbox" : "radio"), ("id", id), ("name", name), ("value", String(j)),
                                   ("checked", isPicked ? "" : nil),
                                   ("required", isWorker && !multiple && q.required && j == 0 ? "" : nil),
                                   ("disabled", disabled)])
                out.open("label", [("for", id)])
                selectionLabel(sel, place: place)
                out.close("label")
                if !isWorker {
                    out.raw(" ")
                    out.element("code", [("class", "qk-id")], text: sel.identifier)
                }
                out.close("div")
                out.line()
            }
            out.close("div")
            out.line()
        case .select(let multiple, let placeholder, let size):
            let id = "qk-q\(i)-sel"
            out.open("label", [("for", id), ("class", "qk-select-label")])
            out.text(multiple ? "Choose one or more:" : "Choose one:")
            out.close("label")
            out.open("select", [("id", id), ("name", name), ("class", "qk-style-\(style.rawValue)"),
                                ("multiple", multiple ? "" : nil), ("size", size.map(String.init)),
                                ("required", isWorker && q.required ? "" : nil),
                                ("aria-describedby", described.isEmpty ? nil : described),
                                ("disabled", disabled)])
            if placeholder {
                out.open("option", [("value", ""), ("selected", picked.isEmpty ? "" : nil)])
                out.text("— choose —")
                out.close("option")
            }
            for (j, sel) in s.selections.enumerated() {
                out.open("option", [("value", String(j)), ("selected", picked.contains(sel.identifier) ? "" : nil)])
                var label = Self.plainLabel(sel)
                if !isWorker { label += "  [\(sel.identifier)]" }
                out.text(label)
                out.close("option")
            }
            out.close("select")
            out.line()
        }
        if let other = s.otherSelection {
            let id = "qk-q\(i)-other"
            let value = answer.map { $0.otherSelectionText ?? "" } ?? (other.defaultText ?? "")
            out.open("div", [("class", "qk-other")])
            out.open("label", [("for", id)])
            out.text("Other:")
            out.close("label")
            out.raw(" ")
            var attrs: [(String, String?)] = [("id", id), ("name", FieldName.otherText(question: i).name)]
            attrs += constraintAttributes(other.constraints)
            attrs.append(("disabled", disabled))
            if (other.numberOfLinesSuggestion ?? 1) > 1 {
                out.open("textarea", [("rows", String(min(other.numberOfLinesSuggestion!, 40)))] + attrs)
                if value.hasPrefix("\n") || value.hasPrefix("\r") { out.raw("\n") }
                out.text(value)
                out.close("textarea")
            } else {
                out.open("input", [("type", "text")] + attrs + [("value", value)])
            }
            out.close("div")
            out.line()
            hints += constraintHints(other.constraints, showRegex: !isWorker).map { "Other: " + $0 }
        }
        hintList(hints, id: hintID)
    }

    mutating func selectionLabel(_ sel: Selection, place: String) {
        switch sel.label {
        case .text(let t): out.text(t)
        case .binary(let b):
            media(mime: b.mimeType, url: b.dataURL, alt: b.altText, width: nil, height: nil, place: place, block: false)
        case .formattedContent(let fc):
            let (html, problems) = XHTMLSanitizer.render(fc, version: form.version, place: place, idPrefix: nextBlockPrefix())
            diagnostics += problems
            out.open("span", [("class", "qk-fc qk-fc-label")])
            out.raw(html)
            out.close("span")
        }
    }

    /// A selection's label as plain text (for `<option>` and the key tables).
    static func plainLabel(_ sel: Selection) -> String {
        switch sel.label {
        case .text(let t): t
        case .binary(let b): b.altText
        case .formattedContent(let fc): XHTMLSanitizer.plainText(fc)
        }
    }
}
