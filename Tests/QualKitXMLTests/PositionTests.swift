import QualKitTestSupport
import Testing
@testable import QualKitXML

@Suite("Positions: every problem points at a line and column")
struct PositionTests {
    @Test func elementLocationsHaveLineAndColumn() throws {
        let text = "<a>\n  <b x='1>2'/>  <c>\n<![CDATA[<d>]]></c>\n</a>"
        let root = try #require(SecureXML.load(Array(text.utf8), file: "f.xml").root)
        #expect(root.location == SourceLocation(file: "f.xml", line: 1, column: 1))
        let b = try #require(root.element(named: "b"))
        #expect(b.location == SourceLocation(file: "f.xml", line: 2, column: 3))
        #expect(b.attribute("x") == "1>2")
        let c = try #require(root.element(named: "c"))
        #expect(c.location == SourceLocation(file: "f.xml", line: 2, column: 17))
        #expect(c.text == "\n<d>")
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let root = try #require(SecureXML.load(Array("<a>é€<b/></a>".utf8)).root)
        #expect(root.element(named: "b")?.location.column == 6)
    }

    @Test func parserErrorsCarryLineAndColumn() throws {
        let r = SecureXML.load(Array("<a>\n  <b></c>\n</a>".utf8), file: "m.xml")
        let d = try #require(r.diagnostics.first)
        #expect(d.code == .malformedXML)
        #expect(d.location?.file == "m.xml")
        #expect(d.location?.line == 2)
        #expect((d.location?.column ?? 0) > 0)
        #expect(d.hint?.contains("matching end tag") == true)
    }

    @Test func schemaErrorsPointAtTheOffendingElement() throws {
        let form = XMLFixtures.form("""
            <Question><QuestionIdentifier>q1</QuestionIdentifier>
              <IsRequired>yes</IsRequired>
            <QuestionContent><Text>x</Text></QuestionContent><AnswerSpecification><FreeTextAnswer/></AnswerSpecification></Question>
            """)
        let r = SecureXML.load(Array(form.utf8), file: "form.xml") { _, _ in .questionForm2017 }
        let d = try #require(r.diagnostics.first)
        #expect(d.code == .invalidValue)
        #expect(d.location == SourceLocation(file: "form.xml", line: 4, column: 3))
        #expect(d.message.contains("<IsRequired>"))
        #expect(!d.message.contains("{http"))
        #expect(d.hint == "write true, false, 1 or 0 (lower case)")
    }

    @Test func formattedContentPositionsMapToTheOuterFile() throws {
        // The block's text starts at line 10, column 31 of the outer file.
        let origin = SourceLocation(file: "form.xml", line: 10, column: 31)
        let r = SecureXML.formattedContent("<p>ok</p>\n<p>x <span>y</span></p>", origin: origin)
        let d = try #require(r.diagnostics.first)
        #expect(d.code == .formattedContentDisallowed)
        #expect(d.location == SourceLocation(file: "form.xml", line: 11, column: 6))
        let sameLine = SecureXML.formattedContent("<p><img src=\"http://x.org/a.png\"/></p>", origin: origin)
        let alt = try #require(sameLine.diagnostics.first)
        #expect(alt.code == .formattedContentMissingAttribute)
        #expect(alt.location == SourceLocation(file: "form.xml", line: 10, column: 34))
    }

    @Test func namedEntitiesAreEachReported() {
        let origin = SourceLocation(file: "f.xml", line: 3, column: 5)
        let r = SecureXML.formattedContent("<p>a&nbsp;b &copy; &amp; &#160;</p>", origin: origin)
        #expect(r.diagnostics.map(\.code) == [.formattedContentEntity, .formattedContentEntity])
        #expect(r.diagnostics.map { $0.location?.column } == [9, 17])
        #expect(r.root != nil)
    }

    @Test func formattedContentRules() {
        func codes(_ xhtml: String) -> [String] {
            SecureXML.formattedContent(xhtml, origin: SourceLocation(line: 1, column: 1)).diagnostics.map(\.code.rawValue)
        }
        #expect(codes("<p>Fine <b>bold</b> <a href=\"https://example.org\">link</a></p>") == [])
        #expect(codes("<p class=\"x\">y</p>") == ["QK211"])
        #expect(codes("<div>y</div>") == ["QK211"])
        #expect(codes("<P>y</P>") == ["QK211"])
        #expect(codes("<p><a href=\"page.html\">rel</a></p>") == ["QK213"])
        #expect(codes("<p><a href=\"javascript:alert(1)\">x</a></p>") == ["QK213"])
        #expect(codes("<p>unclosed") == ["QK210"])
        #expect(codes("<p>x</p><!-- note -->") == ["QK211"])
        #expect(codes("<script>alert(1)</script>") == ["QK211"])
    }
}
