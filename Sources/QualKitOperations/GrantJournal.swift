import Foundation

/// An append-only journal of a bulk grant, so an interrupted run resumes without repeating or losing a grant.
///
/// Each line is one JSON event. Before a grant is sent an `intent` is written; after the service acknowledges
/// it, a `done`. On resume, `done` grants are skipped; an `intent` without `done` is uncertain (the process
/// may have died after sending), so the caller checks the worker's current value before sending again.
/// Lines are written with `write(2)` on an `O_APPEND` descriptor: a killed process loses nothing it wrote.
public final class GrantJournal: @unchecked Sendable {
    public struct Event: Codable, Sendable, Hashable {
        public enum Kind: String, Codable, Sendable { case start, intent, done, failed }
        public var kind: Kind
        public var workerId: String?
        public var value: Int32?
        public var qualificationTypeId: String?
        public var endpoint: String?
        public var message: String?
        public var time: Double
    }

    public let path: String
    private let fd: Int32
    private let lock = NSLock()
    private(set) public var events: [Event]

    /// Opens (or creates) the journal of a grant run for one qualification type on one endpoint.
    /// Throws when the journal belongs to another type or endpoint.
    public init(path: String, qualificationTypeId: String, endpoint: String) throws {
        self.path = path
        var existing: [Event] = []
        if let data = FileManager.default.contents(atPath: path) {
            for (i, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
                guard let e = try? JSONDecoder().decode(Event.self, from: Data(line)) else {
                    // A torn last line from a crash is ignored; anything else is a damaged journal.
                    if i == data.split(separator: UInt8(ascii: "\n")).count - 1 { continue }
                    throw JournalError.damaged(path: path, line: i + 1)
                }
                existing.append(e)
            }
        }
        if let start = existing.first(where: { $0.kind == .start }),
           start.qualificationTypeId != qualificationTypeId || start.endpoint != endpoint {
            throw JournalError.otherRun(path: path, typeId: start.qualificationTypeId ?? "?", endpoint: start.endpoint ?? "?")
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { throw JournalError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        self.fd = fd
        self.events = existing
        if !existing.contains(where: { $0.kind == .start }) {
            try append(Event(kind: .start, qualificationTypeId: qualificationTypeId, endpoint: endpoint, time: Date().timeIntervalSince1970))
        }
    }

    deinit { close(fd) }

    public func append(_ event: Event) throws {
        var data = try JSONEncoder().encode(event)
        data.append(UInt8(ascii: "\n"))
        try lock.withLock {
            let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == data.count else { throw JournalError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
            events.append(event)
        }
    }

    public func recordIntent(_ row: GrantRow) throws {
        try append(Event(kind: .intent, workerId: row.workerId, value: row.value, time: Date().timeIntervalSince1970))
    }

    public func recordDone(_ row: GrantRow) throws {
        try append(Event(kind: .done, workerId: row.workerId, value: row.value, time: Date().timeIntervalSince1970))
    }

    public func recordFailure(_ row: GrantRow, message: String) throws {
        try append(Event(kind: .failed, workerId: row.workerId, value: row.value, message: message, time: Date().timeIntervalSince1970))
    }

    /// Grants acknowledged by the service: worker → value.
    public var completed: [String: Int32] {
        lock.withLock {
            var done: [String: Int32] = [:]
            for e in events where e.kind == .done { if let w = e.workerId, let v = e.value { done[w] = v } }
            return done
        }
    }

    /// Grants sent (or about to be) whose outcome is unknown: worker → value.
    public var uncertain: [String: Int32] {
        lock.withLock {
            var open: [String: Int32] = [:]
            for e in events {
                guard let w = e.workerId else { continue }
                switch e.kind {
                case .intent: open[w] = e.value
                case .done, .failed: open[w] = nil
                case .start: break
                }
            }
            return open
        }
    }
}

public enum JournalError: Error, CustomStringConvertible, Sendable {
    case damaged(path: String, line: Int)
    case otherRun(path: String, typeId: String, endpoint: String)
    case cannotOpen(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .damaged(let p, let l): "journal \(p) is damaged at line \(l); move it away to start afresh"
        case .otherRun(let p, let t, let e): "journal \(p) belongs to a grant of \(t) on \(e); use --journal to choose another file"
        case .cannotOpen(let p, let r): "cannot open journal \(p): \(r)"
        case .cannotWrite(let p, let r): "cannot write journal \(p): \(r)"
        }
    }
}
