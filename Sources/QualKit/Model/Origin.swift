/// Where a model value came from in its source file. Two values that differ only in origin are equal,
/// so a document written back and read again compares equal to the original.
public struct Origin: Sendable, Hashable, Codable {
    public var location: SourceLocation?

    public init(_ location: SourceLocation? = nil) { self.location = location }

    public static func == (lhs: Origin, rhs: Origin) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}
