import Crypto
import Foundation
import MTurkAPI

/// `qualkit.lock`: which qualification type each test became on each endpoint, meant to be committed.
/// An id is only ever used against the endpoint it was created on.
public struct Ledger: Codable, Sendable, Hashable {
    public struct Entry: Codable, Sendable, Hashable {
        public var endpoint: String
        public var name: String
        public var qualificationTypeId: String
        /// SHA-256 of the form, key and properties that were sent.
        public var contentHash: String
        public var updatedAt: String

        public init(endpoint: String, name: String, qualificationTypeId: String, contentHash: String, updatedAt: String) {
            self.endpoint = endpoint
            self.name = name
            self.qualificationTypeId = qualificationTypeId
            self.contentHash = contentHash
            self.updatedAt = updatedAt
        }
    }

    public var version = 1
    public var entries: [Entry] = []

    public init(entries: [Entry] = []) { self.entries = entries }

    public static func decode(_ data: Data) throws -> Ledger { try JSONDecoder().decode(Ledger.self, from: data) }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    public func entry(endpoint: String, name: String) -> Entry? {
        entries.first { $0.endpoint == Ledger.normalize(endpoint) && $0.name == name }
    }

    public func entry(endpoint: String, typeId: String) -> Entry? {
        entries.first { $0.endpoint == Ledger.normalize(endpoint) && $0.qualificationTypeId == typeId }
    }

    /// The endpoints where this id was recorded (to refuse using it elsewhere).
    public func endpoints(ofTypeId id: String) -> [String] {
        entries.filter { $0.qualificationTypeId == id }.map(\.endpoint)
    }

    public mutating func record(_ entry: Entry) {
        var e = entry
        e.endpoint = Ledger.normalize(entry.endpoint)
        entries.removeAll { $0.endpoint == e.endpoint && ($0.name == e.name || $0.qualificationTypeId == e.qualificationTypeId) }
        entries.append(e)
        entries.sort { ($0.endpoint, $0.name) < ($1.endpoint, $1.name) }
    }

    public mutating func remove(endpoint: String, typeId: String) {
        entries.removeAll { $0.endpoint == Ledger.normalize(endpoint) && $0.qualificationTypeId == typeId }
    }

    public static func normalize(_ endpoint: String) -> String {
        var e = endpoint.lowercased()
        while e.hasSuffix("/") { e.removeLast() }
        return e
    }

    /// The content hash of what a `types create` sends.
    public static func contentHash(parts: [String]) -> String {
        var hasher = SHA256()
        for part in parts {
            hasher.update(data: Data(String(part.utf8.count).utf8))
            hasher.update(data: Data(":".utf8))
            hasher.update(data: Data(part.utf8))
        }
        return SigV4.lowerHex(hasher.finalize())
    }
}
