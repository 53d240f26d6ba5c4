/// An immutable hash table from byte strings (UTF-8 identifiers) to small integers, looked up without
/// creating a `String`. Open addressing, FNV-1a hashing, keys stored back to back in one buffer.
struct ByteTable: Sendable {
    private var storage: [UInt8] = []
    private var offsets: [Int] = [0]
    private var slots: [Int32]  // index into `offsets` (the key number), −1 empty
    private var mask: Int

    /// The keys in insertion order; a key's number is its position.
    private(set) var keys: [String] = []

    init(_ keys: [String] = []) {
        var capacity = 8
        while capacity < keys.count * 2 + 2 { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for k in keys { _ = insert(k) }
    }

    var count: Int { keys.count }

    /// Adds `key` if absent; returns its number either way.
    @discardableResult
    mutating func insert(_ key: String) -> Int {
        let bytes = Array(key.utf8)
        if let existing = bytes.withUnsafeBufferPointer({ lookup($0) }) { return existing }
        if (keys.count + 1) * 2 > slots.count { grow() }
        let number = keys.count
        keys.append(key)
        storage.append(contentsOf: bytes)
        offsets.append(storage.count)
        bytes.withUnsafeBufferPointer { place(number, hash: Self.hash($0)) }
        return number
    }

    private mutating func place(_ number: Int, hash: UInt64) {
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = Int32(number)
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for n in 0..<keys.count {
            storage.withUnsafeBufferPointer { s in
                place(n, hash: Self.hash(UnsafeBufferPointer(rebasing: s[offsets[n]..<offsets[n + 1]])))
            }
        }
    }

    /// The number of `key`, or nil.
    @inline(__always)
    func lookup(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = Self.hash(key)
        var i = Int(truncatingIfNeeded: h) & mask
        return storage.withUnsafeBufferPointer { s in
            while true {
                let n = Int(slots[i])
                if n < 0 { return nil }
                let start = offsets[n], end = offsets[n + 1]
                if end - start == key.count {
                    var equal = true
                    var j = 0
                    while j < key.count {
                        if s[start + j] != key[j] { equal = false; break }
                        j += 1
                    }
                    if equal { return n }
                }
                i = (i + 1) & mask
            }
        }
    }

    func lookup(_ key: String) -> Int? {
        var k = key
        return k.withUTF8 { lookup($0) }
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h ^ (h >> 29)
    }
}
