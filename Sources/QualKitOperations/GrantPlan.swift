/// The difference between a grants file and who holds the qualification now.
public struct GrantPlan: Sendable, Hashable, Codable {
    public struct Change: Sendable, Hashable, Codable {
        public var workerId: String
        public var from: Int32
        public var to: Int32

        public init(workerId: String, from: Int32, to: Int32) {
            self.workerId = workerId
            self.from = from
            self.to = to
        }
    }

    /// Workers who do not hold the qualification (or hold it revoked) and will be granted.
    public var new: [GrantRow]
    /// Workers who hold it with another value, which will be updated.
    public var changed: [Change]
    /// Workers who already hold it with the same value: nothing is sent.
    public var unchanged: [GrantRow]

    /// - Parameter current: worker → value for every worker holding the qualification with status Granted.
    public init(rows: [GrantRow], current: [String: Int32]) {
        var new: [GrantRow] = [], changed: [Change] = [], unchanged: [GrantRow] = []
        for row in rows {
            if let value = current[row.workerId] {
                if value == row.value { unchanged.append(row) } else { changed.append(Change(workerId: row.workerId, from: value, to: row.value)) }
            } else {
                new.append(row)
            }
        }
        self.new = new
        self.changed = changed
        self.unchanged = unchanged
    }

    /// The grants to send, in file order.
    public var toApply: [GrantRow] {
        new + changed.map { GrantRow(workerId: $0.workerId, value: $0.to) }
    }
}
