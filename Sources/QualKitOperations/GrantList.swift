import MTurkAPI

/// One row of a grants file: a worker and the value to grant.
public struct GrantRow: Sendable, Hashable, Codable {
    public var workerId: String
    public var value: Int32
    /// 1-based line in the source file (0 when not from a file).
    public var line: Int

    public init(workerId: String, value: Int32, line: Int = 0) {
        self.workerId = workerId
        self.value = value
        self.line = line
    }
}

/// A problem in a grants file, with its line.
public struct GrantListError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var hint: String

    public var description: String { "line \(line): \(message) (\(hint))" }
}

/// Every problem found in a grants file.
public struct GrantListErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [GrantListError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Reads `worker,value` CSV (header optional, value optional = 1, `#` comments and blank lines skipped).
public enum GrantList {
    public static let workerIdPattern = "^A[A-Z0-9]+$"

    /// MTurk's WorkerId rule, the same one `qualkit serve` enforces (``MTurkLimits/isValidWorkerId(_:)``).
    public static func isValidWorkerId(_ s: String) -> Bool { MTurkLimits.isValidWorkerId(s) }

    /// Parses the whole file; every bad line is reported (nothing is granted from a file with errors).
    public static func parse(_ text: String, defaultValue: Int32 = 1) -> Result<[GrantRow], GrantListErrors> {
        var rows: [GrantRow] = []
        var errors: [GrantListError] = []
        var seen: [String: Int] = [:]
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let lineNumber = index + 1
            var line = Substring(rawLine)
            if line.last == "\r" { line = line.dropLast() }
            let trimmed = line.trimmingCharacters(in: " \t")
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: " \t\"") }
            if lineNumber == 1 || rows.isEmpty && errors.isEmpty, ["worker", "workerid", "worker_id"].contains(fields[0].lowercased()) {
                continue
            }
            guard fields.count <= 2 else {
                errors.append(GrantListError(line: lineNumber, message: "\(fields.count) columns", hint: "write worker,value"))
                continue
            }
            let worker = fields[0]
            guard isValidWorkerId(worker) else {
                errors.append(GrantListError(line: lineNumber, message: "\"\(worker)\" is not an MTurk worker ID",
                                             hint: "worker IDs are A followed by capital letters and digits, e.g. A1B2C3D4E5F6G7"))
                continue
            }
            var value = defaultValue
            if fields.count == 2, !fields[1].isEmpty {
                guard let v = Int32(fields[1]) else {
                    errors.append(GrantListError(line: lineNumber, message: "value \"\(fields[1])\" is not a whole number",
                                                 hint: "qualification values are integers from -2147483648 to 2147483647"))
                    continue
                }
                value = v
            }
            if let first = seen[worker] {
                errors.append(GrantListError(line: lineNumber, message: "worker \(worker) is listed again (first on line \(first))",
                                             hint: "keep one row per worker"))
                continue
            }
            seen[worker] = lineNumber
            rows.append(GrantRow(workerId: worker, value: value, line: lineNumber))
        }
        return errors.isEmpty ? .success(rows) : .failure(GrantListErrors(errors: errors))
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
