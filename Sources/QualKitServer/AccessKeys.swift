import Foundation

/// Creates access key pairs for `qualkit serve` (the secret is shown once, to the person who asked).
public enum AccessKeyFactory {
    /// An id like `QKIA7C2…` (20 characters) and a 40-character secret.
    public static func make(requester: String = "default", label: String? = nil) -> StoredAccessKey {
        var g = SystemRandomNumberGenerator()
        let idChars = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let secretChars = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let id = "QKIA" + String((0..<16).map { _ in idChars[Int.random(in: 0..<idChars.count, using: &g)] })
        let secret = String((0..<40).map { _ in secretChars[Int.random(in: 0..<secretChars.count, using: &g)] })
        return StoredAccessKey(accessKeyId: id, secret: secret, requester: requester, label: label, createdAt: Date(), revoked: false)
    }
}

/// Secrets of live access keys, cached so SigV4 verification does not hit the database on every call.
actor AccessKeyCache {
    private let store: any QualificationStore
    private var cached: [String: (key: StoredAccessKey, at: Date)] = [:]

    init(store: any QualificationStore) { self.store = store }

    /// A key's secret and requester, or nil for an unknown or revoked key. Cached for 5 seconds, so a revocation
    /// takes effect within 5 seconds.
    func lookup(_ id: String) async throws -> StoredAccessKey? {
        if let hit = cached[id], Date().timeIntervalSince(hit.at) < 5 { return hit.key.revoked ? nil : hit.key }
        guard let key = try await store.accessKey(id: id) else { return nil }
        cached[id] = (key, Date())
        return key.revoked ? nil : key
    }
}
