import Foundation
import MTurkAPI
import QualKit

/// A test as a test directory defines it: the type's properties (`qualification.json`), the form and the key.
public struct TestDefinition: Sendable {
    /// `qualification.json`: CreateQualificationType members except Test and AnswerKey.
    public struct Properties: Codable, Sendable, Equatable {
        public var name: String
        public var description: String
        public var keywords: String?
        public var qualificationTypeStatus: String?
        public var testDurationInSeconds: Int64?
        public var retryDelayInSeconds: Int64?
        public var autoGranted: Bool?
        public var autoGrantedValue: Int32?

        public init(name: String, description: String, keywords: String? = nil, qualificationTypeStatus: String? = nil,
                    testDurationInSeconds: Int64? = nil, retryDelayInSeconds: Int64? = nil, autoGranted: Bool? = nil,
                    autoGrantedValue: Int32? = nil) {
            self.name = name
            self.description = description
            self.keywords = keywords
            self.qualificationTypeStatus = qualificationTypeStatus
            self.testDurationInSeconds = testDurationInSeconds
            self.retryDelayInSeconds = retryDelayInSeconds
            self.autoGranted = autoGranted
            self.autoGrantedValue = autoGrantedValue
        }
    }

    public var properties: Properties
    public var test: String?
    public var answerKey: String?

    public init(properties: Properties, test: String?, answerKey: String?) {
        self.properties = properties
        self.test = test
        self.answerKey = answerKey
    }

    /// Reads `qualification.json` (PascalCase members, as MTurk spells them).
    public static func decodeProperties(_ data: Data, file: String) throws -> Properties {
        do {
            return try MTurkProtocol.decoder().decode(Properties.self, from: data)
        } catch DecodingError.keyNotFound(let key, _) {
            throw DefinitionError("\(file): \(key.stringValue.prefix(1).uppercased() + key.stringValue.dropFirst()) is missing")
        } catch {
            throw DefinitionError("\(file): not valid JSON for a qualification type (\(error))")
        }
    }

    /// Problems that forbid sending this definition, and warnings worth showing (RetryDelay traps, lint warnings).
    public func check() -> (errors: [String], warnings: [String], diagnostics: [Diagnostic]) {
        var errors: [String] = [], warnings: [String] = []
        var diagnostics: [Diagnostic] = []
        let p = properties
        if p.name.trimmingCharacters(in: .whitespaces).isEmpty { errors.append("Name is empty") }
        if p.description.count > MTurkLimits.descriptionMax { errors.append("Description is \(p.description.count) characters; MTurk allows \(MTurkLimits.descriptionMax)") }
        if let k = p.keywords, k.count > MTurkLimits.keywordsMax { errors.append("Keywords are \(k.count) characters; MTurk allows \(MTurkLimits.keywordsMax)") }
        if let s = p.qualificationTypeStatus, QualificationTypeStatus(parsing: s) == nil { errors.append("QualificationTypeStatus \"\(s)\" must be Active or Inactive") }
        if test != nil, p.testDurationInSeconds == nil { errors.append("a Test needs TestDurationInSeconds in qualification.json") }
        if test != nil, p.autoGranted == true { errors.append("a type with a Test cannot be AutoGranted") }
        if answerKey != nil, test == nil { errors.append("an AnswerKey needs a Test (form.xml)") }
        if test != nil {
            if p.retryDelayInSeconds == nil {
                warnings.append("RetryDelayInSeconds is absent: each worker may take this test only once, and this cannot be changed later without deleting the type")
            } else {
                warnings.append("RetryDelayInSeconds is set: retakes can never be switched off again for this type")
            }
        }
        if let test {
            let form = SourceFile(name: "form.xml", bytes: Array(test.utf8))
            let key = answerKey.map { SourceFile(name: "answer-key.xml", bytes: Array($0.utf8)) }
            diagnostics = Checker.lint(form: form, key: key)
            if diagnostics.hasErrors { errors.append("the form or key has errors (see the diagnostics above)") }
        }
        return (errors, warnings, diagnostics)
    }

    public var createRequest: CreateQualificationTypeRequest {
        CreateQualificationTypeRequest(
            name: properties.name, keywords: properties.keywords, description: properties.description,
            qualificationTypeStatus: properties.qualificationTypeStatus.flatMap(QualificationTypeStatus.init(parsing:)) ?? .active,
            retryDelayInSeconds: properties.retryDelayInSeconds, test: test, answerKey: answerKey,
            testDurationInSeconds: test == nil ? nil : properties.testDurationInSeconds,
            autoGranted: properties.autoGranted, autoGrantedValue: properties.autoGrantedValue)
    }

    /// The update that makes the service match this definition. Test and TestDurationInSeconds are always resent
    /// (MTurk needs them together); the AnswerKey too unless `dropAnswerKey`.
    public func updateRequest(typeId: String) -> UpdateQualificationTypeRequest {
        UpdateQualificationTypeRequest(
            qualificationTypeId: typeId, description: properties.description,
            qualificationTypeStatus: properties.qualificationTypeStatus.flatMap(QualificationTypeStatus.init(parsing:)),
            test: test, answerKey: test == nil ? nil : answerKey,
            testDurationInSeconds: test == nil ? nil : properties.testDurationInSeconds,
            retryDelayInSeconds: properties.retryDelayInSeconds,
            autoGranted: test == nil ? properties.autoGranted : nil, autoGrantedValue: properties.autoGrantedValue)
    }

    /// What the ledger compares to tell whether a test changed since it was sent.
    public var contentHash: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let props = (try? encoder.encode(properties)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return Ledger.contentHash(parts: [props, test ?? "", answerKey ?? ""])
    }
}

public struct DefinitionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
