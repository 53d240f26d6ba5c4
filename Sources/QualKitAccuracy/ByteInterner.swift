/// Turns names into small integers straight from their UTF-8 bytes, so a million worker answers need no
/// `String` per answer: open addressing on an FNV-1a hash, names kept as bytes and as `String`.
struct ByteInterner: Sendable {
    private(set) var names: [String] = []
    private var keys: [[UInt8]] = []
    private var byName: [String: Int32] = [:]
    private var slots = [Int32](repeating: -1, count: 64)

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// The number of the name whose UTF-8 bytes these are.
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: Self.hash(bytes)) & mask
        while true {
            let s = slots[i]
            if s < 0 { break }
            if keys[Int(s)].withUnsafeBytes({ $0.elementsEqual(bytes) }) { return keyIds[Int(s)] }
            i = (i + 1) & mask
        }
        let name = String(decoding: bytes, as: UTF8.self)
        let id: Int32
        if let existing = byName[name] {
            id = existing   // other bytes for the same text (invalid UTF-8 repaired): the same name
        } else {
            id = Int32(names.count)
            names.append(name)
            byName[name] = id
        }
        keys.append(Array(bytes))
        slots[i] = Int32(keys.count - 1)
        if keys.count * 2 > slots.count { grow() }
        // The slot holds a key number; map key numbers to ids.
        keyIds.append(id)
        return id
    }

    private var keyIds: [Int32] = []

    /// The number of a name given as text.
    mutating func intern(_ name: String) -> Int32 {
        var s = name
        return s.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (k, key) in keys.enumerated() {
            var i = key.withUnsafeBytes { Int(truncatingIfNeeded: Self.hash($0)) } & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(k)
        }
    }
}
