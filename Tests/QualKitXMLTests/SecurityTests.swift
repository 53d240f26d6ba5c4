import Foundation
import QualKitTestSupport
import Testing
@testable import QualKitXML

@Suite("Secure parsing of untrusted XML")
struct SecurityTests {
    func load(_ text: String, limits: XMLLimits = .answers) -> XMLLoadResult {
        SecureXML.load(Array(text.utf8), file: "input.xml", limits: limits)
    }

    func codes(_ r: XMLLoadResult) -> [String] { r.diagnostics.map(\.code.rawValue) }

    @Test func xxeFileReadIsRefusedBeforeParsing() {
        let r = load("""
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>
            <r>&xxe;</r>
            """)
        #expect(r.root == nil)
        #expect(codes(r) == ["QK101"])
        #expect(r.diagnostics[0].location == SourceLocation(file: "input.xml", line: 2, column: 1))
        #expect(r.diagnostics[0].hint?.contains("DOCTYPE") == true)
    }

    @Test func billionLaughsIsRefusedWithoutExpansion() {
        var entities = "<!ENTITY lol0 \"lol\">"
        for i in 1...9 { entities += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">" }
        let clock = ContinuousClock()
        let start = clock.now
        let r = load("<?xml version=\"1.0\"?><!DOCTYPE lolz [\(entities)]><lolz>&lol9;</lolz>")
        #expect(clock.now - start < .seconds(1))
        #expect(codes(r) == ["QK101"])
    }

    @Test func externalDTDIsRefused() {
        let r = load("<!DOCTYPE QuestionForm SYSTEM \"http://example.com/evil.dtd\"><QuestionForm/>")
        #expect(codes(r) == ["QK101"])
    }

    @Test func doctypeAfterCommentIsStillFound() {
        let r = load("<?xml version=\"1.0\"?>\n<!-- hi -->\n<!DOCTYPE r><r/>")
        #expect(codes(r) == ["QK101"])
        #expect(r.diagnostics[0].location?.line == 3)
    }

    @Test func commentMentioningDoctypeIsHarmless() throws {
        let r = load("<?xml version=\"1.0\"?><!-- <!DOCTYPE x> --><r/>")
        #expect(r.diagnostics.isEmpty)
        #expect(try #require(r.root).localName == "r")
    }

    @Test func oversizeIsRefusedUnread() {
        let big = "<r>" + String(repeating: "a", count: 70_000) + "</r>"
        let r = load(big, limits: .mturkParameter)
        #expect(codes(r) == ["QK102"])
        #expect(r.diagnostics[0].message.contains("65535"))
        #expect(r.diagnostics[0].hint?.contains("65,535") == true)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let depth = 5_000
        let text = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let r = load(text, limits: XMLLimits(maxBytes: 1 << 20))
        #expect(r.root == nil)
        #expect(codes(r).contains("QK104"))
    }

    @Test func invalidUTF8IsReportedWithPosition() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r>caf".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("</r>".utf8)
        let r = SecureXML.load(bytes, file: "bad.xml")
        #expect(r.root == nil)
        let d = try #require(r.diagnostics.first)
        #expect(d.code == .badEncoding)
        #expect(d.location?.line == 2)
    }

    @Test func asciiDeclarationIsReadAsUTF8() throws {
        let text = "<?xml version=\"1.0\" encoding=\"ASCII\"?><r>Français — déjà</r>"
        let r = SecureXML.load(Array(text.utf8))
        #expect(r.diagnostics.isEmpty)
        #expect(try #require(r.root).text == "Français — déjà")
    }

    @Test func latin1DeclarationIsHonoured() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>caf".utf8)
        bytes += [0xE9]
        bytes += Array("</r>".utf8)
        let r = SecureXML.load(bytes)
        #expect(try #require(r.root).text == "café")
    }

    @Test func xincludeIsNotProcessed() throws {
        let r = load("<r xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"/etc/passwd\" parse=\"text\"/></r>")
        let root = try #require(r.root)
        #expect(root.elements.first?.localName == "include")
        #expect(root.text.isEmpty)
    }

    @Test func emptyInputIsAClearError() {
        #expect(codes(load("")) == ["QK105"])
        #expect(codes(load("  \n ")) == ["QK105"])
    }

    @Test func notXMLAtAll() {
        let r = load("Hello, this is a plain text file.")
        #expect(r.root == nil)
        #expect(codes(r).first == "QK100")
        #expect(r.diagnostics.first?.hint != nil)
    }

    @Test func parsingInParallelIsSafe() async {
        let doc = Array(XMLFixtures.answers([("q1", ["a", "b"]), ("q2", ["c"])]).utf8)
        let results = await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
            for _ in 0..<200 {
                group.addTask {
                    let r = SecureXML.load(doc) { _, _ in .questionFormAnswers }
                    return r.root != nil && r.diagnostics.isEmpty
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 })
    }
}
