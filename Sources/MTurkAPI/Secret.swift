/// A secret (an access key's secret, a link-signing key) that never shows itself: `description`,
/// `debugDescription`, string interpolation, `dump` and mirrors all print `<hidden>`. Read it with `reveal()`
/// only where it is used (signing, verifying, storing).
public struct SecretString: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret itself, for the few places that need it.
    public func reveal() -> String { value }

    public var isEmpty: Bool { value.isEmpty }
    public var description: String { "<hidden>" }
    public var debugDescription: String { "SecretString(<hidden>)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
