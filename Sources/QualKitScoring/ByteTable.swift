/// An immutable hash table from (tag, byte string) to a small integer, looked up without creating a `String`.
/// Open addressing, FNV-1a hashing, keys stored back to back in one buffer. The tag scopes keys: the scoring
/// key uses the question slot as tag for selection identifiers.
struct ByteTable: Sendable {
    private(set) var storage: [UInt8] = []
    private(set) var offsets: [Int] = [0]
    private(set) var tags: [Int32] = []
    private(set) var values: [Int32] = []
    /// Entry number per hash slot, −1 empty.
    private(set) var slots: [Int32]
    private(set) var mask: Int

    init() {
        slots = [Int32](repeating: -1, count: 8)
        mask = 7
    }

    var count: Int { values.count }

    /// Adds (tag, key) → value unless present; returns the value stored for it.
    @discardableResult
    mutating func insert(_ key: String, tag: Int32 = 0, value: Int32) -> Int32 {
        let bytes = Array(key.utf8)
        if let existing = bytes.withUnsafeBufferPointer({ lookup($0, tag: tag) }) { return existing }
        if (count + 1) * 2 > slots.count { grow() }
        let entry = count
        tags.append(tag)
        values.append(value)
        storage.append(contentsOf: bytes)
        offsets.append(storage.count)
        bytes.withUnsafeBufferPointer { place(entry, hash: Self.hash($0, tag: tag)) }
        return value
    }

    private mutating func place(_ entry: Int, hash: UInt64) {
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = Int32(entry)
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for e in 0..<count {
            let h = storage.withUnsafeBufferPointer { s in
                Self.hash(UnsafeBufferPointer(rebasing: s[offsets[e]..<offsets[e + 1]]), tag: tags[e])
            }
            place(e, hash: h)
        }
    }

    func lookup(_ key: UnsafeBufferPointer<UInt8>, tag: Int32 = 0) -> Int32? {
        let raw = RawByteTable(self)
        defer { raw.deallocate() }
        let v = raw.lookup(key, tag: tag)
        return v < 0 ? nil : v
    }

    func lookup(_ key: String, tag: Int32 = 0) -> Int32? {
        var k = key
        return k.withUTF8 { lookup($0, tag: tag) }
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, tag: Int32) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ (UInt64(UInt32(bitPattern: tag)) &* 0x9E37_79B9_7F4A_7C15)
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h ^ (h >> 29)
    }
}

/// A ``ByteTable`` copied into raw memory, for lookups on the hot path with no reference counting.
/// The owner calls ``deallocate()``.
struct RawByteTable {
    let storage: UnsafeMutableBufferPointer<UInt8>
    let offsets: UnsafeMutableBufferPointer<Int>
    let tags: UnsafeMutableBufferPointer<Int32>
    let values: UnsafeMutableBufferPointer<Int32>
    let slots: UnsafeMutableBufferPointer<Int32>
    let mask: Int

    init(_ t: ByteTable) {
        func copy<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
            let p = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, a.count))
            _ = p.initialize(from: a)
            return p
        }
        storage = copy(t.storage)
        offsets = copy(t.offsets)
        tags = copy(t.tags)
        values = copy(t.values)
        slots = copy(t.slots)
        mask = t.mask
    }

    func deallocate() {
        storage.deallocate()
        offsets.deallocate()
        tags.deallocate()
        values.deallocate()
        slots.deallocate()
    }

    /// The value of (tag, key), or −1.
    @inline(__always)
    func lookup(_ key: UnsafeBufferPointer<UInt8>, tag: Int32) -> Int32 {
        var i = Int(truncatingIfNeeded: ByteTable.hash(key, tag: tag)) & mask
        while true {
            let e = Int(slots[i])
            if e < 0 { return -1 }
            let start = offsets[e]
            if tags[e] == tag && offsets[e + 1] - start == key.count {
                var j = 0
                while j < key.count && storage[start + j] == key[j] { j += 1 }
                if j == key.count { return values[e] }
            }
            i = (i + 1) & mask
        }
    }
}
