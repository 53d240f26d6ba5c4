/// The API's parameter limits, as data both sides check.
public enum MTurkLimits {
    public static let descriptionMax = 2000
    public static let keywordsMax = 1000
    public static let documentBytesMax = 65_535
    public static let maxResults = 1...100
    public static let nextTokenLength = 1...255
    public static let idLength = 1...64

    /// `QualificationTypeId`: 1–64 of A–Z and 0–9.
    public static func isValidTypeId(_ s: String) -> Bool {
        idLength.contains(s.count) && s.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// `WorkerId`: `A` then A–Z and 0–9, 2–64 characters.
    public static func isValidWorkerId(_ s: String) -> Bool {
        s.count >= 2 && s.count <= 64 && s.first == "A"
            && s.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// A parameter validation problem in MTurk's words: `The value "…" is not valid for the parameter X.` plus why.
    public static func invalid(_ parameter: String, value: String, because reason: String) -> MTurkErrorBody {
        let shown = value.count > 200 ? String(value.prefix(200)) + "…" : value
        return MTurkErrorBody(type: "ParameterValidationError",
                              message: "The value \"\(shown)\" is not valid for the parameter \(parameter). \(reason)",
                              turkErrorCode: TurkErrorCode.invalidParameterValue, parameter: parameter)
    }
}
