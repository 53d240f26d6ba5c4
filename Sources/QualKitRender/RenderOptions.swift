public import QualKit
public import QualKitScoring

/// What a rendered page is for.
public enum RenderMode: Sendable {
    /// The form as a worker sees it, with every input disabled (`qualkit preview`). Key and answer
    /// overlays apply only in this mode.
    case preview
    /// A real `<form method="post">` for the worker portal; overlays are never shown (the key stays secret).
    case workerForm(WorkerForm)
}

/// The worker-portal form: where it posts, what it carries, what it shows again after a failed submit.
///
/// Field names (see ``FieldName``): `q<N>.sel` for selections (repeated; values are the 0-based index of the
/// selection in the question), `q<N>.other` for the OtherSelection text, `q<N>.text` for a
/// free-text answer, where N is the 0-based index of the question among the form's questions. Names and
/// values never contain an identifier, so any QuestionIdentifier or SelectionIdentifier round-trips.
public struct WorkerForm: Sendable {
    /// The form's `action` URL (written as given, escaped; relative URLs are fine).
    public var action: String
    /// Hidden fields written first in the form, e.g. a CSRF token, in this order.
    public var hiddenFields: [(name: String, value: String)]
    /// Values to show: the worker's previous submission. Nil: FreeTextAnswer DefaultText, nothing selected.
    public var answers: QuestionFormAnswers?
    /// Messages shown next to each question, by QuestionIdentifier (from ``AnswerValidator`` or the collector).
    public var errors: [String: [String]]
    /// A message shown above the form (e.g. "2 questions need attention").
    public var summary: String?
    /// The submit button's text.
    public var submitLabel: String

    public init(action: String, hiddenFields: [(name: String, value: String)] = [], answers: QuestionFormAnswers? = nil,
                errors: [String: [String]] = [:], summary: String? = nil, submitLabel: String = "Submit") {
        self.action = action
        self.hiddenFields = hiddenFields
        self.answers = answers
        self.errors = errors
        self.summary = summary
        self.submitLabel = submitLabel
    }
}

/// How to render a form.
public struct RenderOptions: Sendable {
    public var mode: RenderMode
    /// Overlay (preview mode only): each option's score, DefaultScore, the mapping and the reachable maximum.
    public var key: AnswerKey?
    /// Overlay (preview mode only): one worker's answers, and with a key the points each earned.
    public var answers: QuestionFormAnswers?
    /// A caption for the answers overlay (e.g. the file or worker id).
    public var answersLabel: String?
    /// Rounding of the value mapping in the answers overlay.
    public var rounding: Rounding
    /// The page `<title>`; default: the first Title in the form, else "Qualification test".
    public var pageTitle: String?
    /// A whole document (`<!DOCTYPE html>…`, inline CSS) or only the `<main>` element, for a page that
    /// includes ``FormRenderer/stylesheet`` itself.
    public var fullDocument: Bool
    /// Preview mode only: true (default) writes every input `disabled`; false leaves them usable so an author
    /// can try the form (there is still no `<form>`, nothing is sent anywhere).
    public var disableInputs: Bool

    public init(mode: RenderMode = .preview, key: AnswerKey? = nil, answers: QuestionFormAnswers? = nil,
                answersLabel: String? = nil, rounding: Rounding = .halfUp, pageTitle: String? = nil,
                fullDocument: Bool = true, disableInputs: Bool = true) {
        self.mode = mode
        self.key = key
        self.answers = answers
        self.answersLabel = answersLabel
        self.rounding = rounding
        self.pageTitle = pageTitle
        self.fullDocument = fullDocument
        self.disableInputs = disableInputs
    }

    /// The plain preview: inputs shown and disabled, no overlays.
    public static let preview = RenderOptions()
}

/// A rendered page: the HTML and what was left out of it.
public struct RenderedPage: Sendable, Hashable {
    public var html: String
    /// Markup dropped from FormattedContent (tags, attributes, URLs outside MTurk's subset), URLs not written
    /// as links, and overlay problems (answers to unknown questions, a key that cannot score). Warnings.
    public var diagnostics: [Diagnostic]

    public init(html: String, diagnostics: [Diagnostic]) {
        self.html = html
        self.diagnostics = diagnostics
    }
}
