import Foundation
import QualKit
import QualKitRender
import QualKitTestSupport
import Testing

/// Loading fixtures and sample tests, comparing with golden files.
enum RenderFixtures {
    static let fixtures = "Tests/QualKitRenderTests/Fixtures"
    static let goldens = "Tests/QualKitRenderTests/Goldens"

    /// The SampleForms test directories (those with a form.xml), sorted.
    static let sampleTests: [String] = {
        let base = RepositoryFiles.url("SampleForms")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
        return names.filter {
            FileManager.default.fileExists(atPath: base.appendingPathComponent($0).appendingPathComponent("form.xml").path)
        }.sorted()
    }()

    /// The QuestionForm files of SampleForms/broken (each a single mistake).
    static let brokenForms: [String] = RepositoryFiles.files(under: "SampleForms/broken", suffix: ".xml")
        .filter { !$0.contains("/answers/") && !$0.hasSuffix("answer-key.xml") }

    static func form(_ relative: String) throws -> QuestionForm {
        let loaded = MTurkDocuments.questionForm(try RepositoryFiles.bytes(relative), file: relative)
        return try #require(loaded.value, "\(relative) does not load: \(loaded.diagnostics.map(\.description))")
    }

    static func key(_ relative: String) throws -> AnswerKey {
        let loaded = MTurkDocuments.answerKey(try RepositoryFiles.bytes(relative), file: relative)
        return try #require(loaded.value, "\(relative) does not load: \(loaded.diagnostics.map(\.description))")
    }

    static func answers(_ relative: String) throws -> QuestionFormAnswers {
        let loaded = MTurkDocuments.answers(try RepositoryFiles.bytes(relative), file: relative)
        return try #require(loaded.value, "\(relative) does not load: \(loaded.diagnostics.map(\.description))")
    }

    /// The answer files of a sample test, sorted.
    static func answerFiles(_ test: String) -> [String] {
        RepositoryFiles.files(under: "SampleForms/\(test)/answers", suffix: ".xml")
    }

    /// Compares `html` with `Goldens/<name>`; with QUALKIT_UPDATE_GOLDEN=1 rewrites the golden file instead.
    static func assertGolden(_ html: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let url = RepositoryFiles.url("\(goldens)/\(name)")
        if ProcessInfo.processInfo.environment["QUALKIT_UPDATE_GOLDEN"] == "1" {
            try Data(html.utf8).write(to: url, options: .atomic)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(goldens)/\(name); run with QUALKIT_UPDATE_GOLDEN=1 to create it",
                         sourceLocation: sourceLocation)
            return
        }
        if expected != html {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = html.split(separator: "\n", omittingEmptySubsequences: false)
            let line = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
            let want = line < e.count ? String(e[line]) : "(end of file)"
            let got = line < a.count ? String(a[line]) : "(end of file)"
            Issue.record("""
                \(goldens)/\(name) differs at line \(line + 1):
                  expected: \(want.prefix(300))
                  actual:   \(got.prefix(300))
                If the change is intended, regenerate with QUALKIT_UPDATE_GOLDEN=1.
                """, sourceLocation: sourceLocation)
        }
    }
}

/// A tokenizer for the HTML the renderer writes (and Chromium's serialisation of it): every `<` starts a tag, every
/// attribute value is double-quoted. It checks what a browser would see, not what a text search finds.
struct HTMLTokens {
    struct Tag: CustomStringConvertible {
        var name: String
        var attributes: [(name: String, value: String)]
        var isEnd: Bool
        func attribute(_ n: String) -> String? { attributes.first { $0.name == n }?.value }
        var description: String { (isEnd ? "</" : "<") + name + attributes.map { " \($0.name)=\"\($0.value)\"" }.joined() + ">" }
    }
    enum Token { case tag(Tag), text(String) }

    var tokens: [Token] = []
    var problems: [String] = []

    /// Elements whose content is raw text in HTML: only `</name` ends them.
    static let rawText: Set<String> = ["script", "style", "textarea", "title", "iframe", "xmp", "noembed", "noframes", "noscript"]

    init(_ html: String) {
        let s = Array(html.unicodeScalars)
        var i = 0
        var text = ""
        func flush() {
            if !text.isEmpty { tokens.append(.text(Self.decode(text))) }
            text = ""
        }
        while i < s.count {
            if s[i] != "<" {
                text.unicodeScalars.append(s[i])
                i += 1
                continue
            }
            flush()
            // <!DOCTYPE …> and comments
            if i + 1 < s.count, s[i + 1] == "!" {
                if i + 3 < s.count, s[i + 2] == "-", s[i + 3] == "-" {
                    problems.append("a comment in the page at scalar \(i)")
                }
                while i < s.count, s[i] != ">" { i += 1 }
                i += 1
                continue
            }
            i += 1
            var isEnd = false
            if i < s.count, s[i] == "/" { isEnd = true; i += 1 }
            var name = ""
            while i < s.count, s[i] != " ", s[i] != ">", s[i] != "/", s[i] != "\n" { name.unicodeScalars.append(s[i]); i += 1 }
            var attributes: [(String, String)] = []
            while i < s.count, s[i] != ">" {
                if s[i] == " " || s[i] == "\n" || s[i] == "/" { i += 1; continue }
                var attr = ""
                while i < s.count, s[i] != "=", s[i] != " ", s[i] != ">" { attr.unicodeScalars.append(s[i]); i += 1 }
                var value = ""
                if i < s.count, s[i] == "=" {
                    i += 1
                    guard i < s.count, s[i] == "\"" else {
                        problems.append("unquoted value of \(attr) in <\(name)>")
                        while i < s.count, s[i] != " ", s[i] != ">" { value.unicodeScalars.append(s[i]); i += 1 }
                        attributes.append((attr, value))
                        continue
                    }
                    i += 1
                    while i < s.count, s[i] != "\"" { value.unicodeScalars.append(s[i]); i += 1 }
                    i += 1
                }
                attributes.append((attr.lowercased(), Self.decode(value)))
            }
            i += 1
            let tag = Tag(name: name.lowercased(), attributes: attributes.map { (name: $0.0, value: $0.1) }, isEnd: isEnd)
            tokens.append(.tag(tag))
            if !isEnd, Self.rawText.contains(tag.name) {
                // Raw text runs to the first `</name`, whatever it contains.
                let close = Array("</\(tag.name)".unicodeScalars)
                var j = i
                while j + close.count <= s.count,
                      !zip(s[j..<(j + close.count)], close).allSatisfy({ String($0).lowercased() == String($1) }) {
                    j += 1
                }
                text = String(String.UnicodeScalarView(s[i..<min(j, s.count)]))
                if tag.name != "textarea" && tag.name != "title" {
                    tokens.append(.text(text))
                    text = ""
                } else {
                    flush()
                }
                i = j
            }
        }
        flush()
    }

    var tags: [Tag] {
        tokens.compactMap { if case .tag(let t) = $0, !t.isEnd { t } else { nil } }
    }

    /// The page's text (decoded), for checks that a payload is shown rather than run.
    var text: String {
        tokens.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined()
    }

    static func decode(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            rest = rest[amp...]
            guard let semi = rest.firstIndex(of: ";"), rest.distance(from: rest.startIndex, to: semi) < 12 else {
                out += "&"
                rest = rest.dropFirst()
                continue
            }
            let entity = rest[rest.index(after: rest.startIndex)..<semi]
            var replacement: String?
            switch entity {
            case "amp": replacement = "&"
            case "lt": replacement = "<"
            case "gt": replacement = ">"
            case "quot": replacement = "\""
            case "nbsp": replacement = "\u{A0}"
            default:
                if entity.hasPrefix("#x"), let v = UInt32(entity.dropFirst(2), radix: 16), let u = Unicode.Scalar(v) {
                    replacement = String(Character(u))
                } else if entity.hasPrefix("#"), let v = UInt32(entity.dropFirst()), let u = Unicode.Scalar(v) {
                    replacement = String(Character(u))
                }
            }
            if let replacement {
                out += replacement
                rest = rest[rest.index(after: semi)...]
            } else {
                out += "&"
                rest = rest.dropFirst()
            }
        }
        return out + rest
    }
}

/// What a page may contain: the renderer's own elements, MTurk's XHTML subset, nothing that runs code.
enum InertCheck {
    static let pageElements: Set<String> = [
        "html", "head", "body", "meta", "title", "style", "main", "section", "div", "p", "span", "h1", "h2", "h3",
        "ul", "li", "dl", "dt", "dd", "fieldset", "legend", "label", "input", "textarea", "select", "option", "button",
        "form", "code", "abbr", "table", "caption", "thead", "tbody", "tr", "th", "td", "img", "a", "pre",
    ]
    static let xhtmlSubset: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "hr", "pre", "blockquote", "q",
        "center", "em", "strong", "code", "cite", "sub", "sup", "i", "b", "big", "small", "u", "s", "strike", "ins",
        "del", "font", "a", "br", "img", "map", "area", "table", "thead", "tfoot", "tbody", "colgroup", "col", "tr",
        "th", "td", "iframe",
    ]
    static let urlAttributes: Set<String> = ["href", "src", "action", "formaction", "cite", "longdesc", "background",
                                             "poster", "data", "codebase", "srcset", "xlink:href", "ping"]
    static let forbiddenAttributes: Set<String> = ["style", "srcdoc", "formaction", "http-equiv-refresh", "background"]
    static let safeSchemes = ["http:", "https:", "ftp:", "mailto:", "news:", "nntp:", "gopher:", "telnet:"]

    /// Every reason the page is not inert (empty: inert).
    static func problems(in html: String, formAction: String? = nil) -> [String] {
        let parsed = HTMLTokens(html)
        var problems = parsed.problems
        var styleCount = 0
        for tag in parsed.tags {
            if !pageElements.contains(tag.name) && !xhtmlSubset.contains(tag.name) {
                problems.append("element <\(tag.name)> is not one the renderer writes")
            }
            if tag.name == "style" { styleCount += 1 }
            if tag.name == "meta", let equiv = tag.attribute("http-equiv"), equiv.lowercased() != "content-security-policy" {
                problems.append("<meta http-equiv=\"\(equiv)\">")
            }
            if tag.name == "iframe", tag.attribute("sandbox") != "" {
                problems.append("<iframe> without an empty sandbox attribute")
            }
            for (name, value) in tag.attributes {
                if name.hasPrefix("on") { problems.append("event attribute \(name) on <\(tag.name)>") }
                if name.contains(":") || name.contains("\"") || name.contains("'") || name.contains("<") {
                    problems.append("odd attribute name \(name) on <\(tag.name)>")
                }
                if forbiddenAttributes.contains(name) { problems.append("attribute \(name) on <\(tag.name)>") }
                if name == "action" {
                    // A form may post only where the page means it to, never to another site.
                    if formAction == nil || value != formAction {
                        problems.append("form action=\"\(value)\" on <\(tag.name)>, expected \(formAction.map { "\"\($0)\"" } ?? "no form")")
                    }
                } else if urlAttributes.contains(name) {
                    let v = value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                    if !safeSchemes.contains(where: { v.hasPrefix($0) }) {
                        problems.append("URL \(name)=\"\(value)\" on <\(tag.name)>")
                    }
                }
            }
        }
        if styleCount > 1 { problems.append("\(styleCount) <style> elements") }
        return problems
    }
}

/// Headless Chromium (Debian package `chromium`): renders a page to PNG and reports console messages.
enum Chromium {
    static let path: String? = {
        for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: p) { return p }
        return nil
    }()

    static let available = path != nil

    /// Where screenshots are kept for a person to look at.
    static let outputFolder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qualkit-render-browser", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    struct Result {
        var exitCode: Int32
        var consoleMessages: [String]
        var stdout: String
        var stderr: String
    }

    /// Runs Chromium on `file` with `arguments` (e.g. `--screenshot=…` or `--dump-dom`).
    static func run(_ file: URL, _ arguments: [String], width: Int = 800, height: Int = 1600) throws -> Result {
        let process = Process()
        // coreutils' timeout ends a browser that hangs (exit 124) instead of the whole test run.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        // A profile of its own per run, so parallel runs do not share a lock.
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("qualkit-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        process.arguments = ["120", try #require(path), "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--no-first-run",
                             "--user-data-dir=\(profile.path)", "--window-size=\(width),\(height)",
                             "--enable-logging=stderr", "--v=0"] + arguments + [file.absoluteString]
        // Output goes to files, so neither stream can fill a pipe while the other is read.
        let outURL = profile.appendingPathExtension("out"), errURL = profile.appendingPathExtension("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdoutData = try Data(contentsOf: outURL)
        let stderrData = try Data(contentsOf: errURL)
        let stderr = String(decoding: stderrData, as: UTF8.self)
        let console = stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }.map(String.init)
        return Result(exitCode: process.terminationStatus, consoleMessages: console,
                      stdout: String(decoding: stdoutData, as: UTF8.self), stderr: stderr)
    }
}
