/// QualKit's own XML Schemas, embedded in the binary by SwiftPM (`.embedInCode`), so `qualkit` works
/// wherever it is copied, with no resource bundle to find. See Schemas/README.md.
public enum EmbeddedSchema: String, CaseIterable, Sendable {
    case questionForm2005 = "QuestionForm-2005-10-01.xsd"
    case questionForm2017 = "QuestionForm-2017-11-06.xsd"
    case answerKey = "AnswerKey-2005-10-01.xsd"
    case questionFormAnswers = "QuestionFormAnswers-2005-10-01.xsd"
    case formattedContent = "FormattedContentXHTMLSubset-2006-07-14.xsd"
    /// `xml:lang` and `xml:space`, imported by the XHTML subset as `xml.xsd`.
    case xmlNamespace = "xml.xsd"

    /// The schema text (UTF-8).
    public var bytes: [UInt8] {
        switch self {
        case .questionForm2005: PackageResources.QuestionForm_2005_10_01_xsd
        case .questionForm2017: PackageResources.QuestionForm_2017_11_06_xsd
        case .answerKey: PackageResources.AnswerKey_2005_10_01_xsd
        case .questionFormAnswers: PackageResources.QuestionFormAnswers_2005_10_01_xsd
        case .formattedContent: PackageResources.FormattedContentXHTMLSubset_2006_07_14_xsd
        case .xmlNamespace: PackageResources.xml_xsd
        }
    }
}
