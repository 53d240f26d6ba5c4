import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, versioned migrations, one transaction per change.
public final class SQLiteStore: QualificationStore {
    private let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: config)
        // The database holds access key secrets: readable by its owner only.
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: keys, types, qualifications, requests, notifications") { db in
            try db.execute(sql: """
                CREATE TABLE access_keys (
                    access_key_id TEXT PRIMARY KEY, secret TEXT NOT NULL, requester TEXT NOT NULL,
                    label TEXT, created_at REAL NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE qualification_types (
                    id TEXT PRIMARY KEY, requester TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
                    keywords TEXT, active INTEGER NOT NULL, test TEXT, test_duration INTEGER, answer_key TEXT,
                    retry_delay INTEGER, auto_granted INTEGER NOT NULL, auto_granted_value INTEGER,
                    created_at REAL NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
                CREATE UNIQUE INDEX qualification_types_live_name ON qualification_types(requester, name) WHERE deleted = 0;
                CREATE TABLE qualifications (
                    type_id TEXT NOT NULL REFERENCES qualification_types(id), worker_id TEXT NOT NULL,
                    value INTEGER NOT NULL, granted INTEGER NOT NULL, grant_time REAL NOT NULL,
                    PRIMARY KEY (type_id, worker_id)) WITHOUT ROWID;
                CREATE TABLE qualification_requests (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
                    type_id TEXT NOT NULL REFERENCES qualification_types(id), worker_id TEXT NOT NULL,
                    test TEXT, answer TEXT, submit_time REAL NOT NULL, state TEXT NOT NULL);
                CREATE INDEX qualification_requests_pending ON qualification_requests(state, type_id);
                CREATE INDEX qualification_requests_worker ON qualification_requests(type_id, worker_id);
                CREATE TABLE notifications (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, worker_id TEXT NOT NULL, subject TEXT NOT NULL,
                    message TEXT NOT NULL, sent_at REAL NOT NULL);
                CREATE INDEX notifications_worker ON notifications(worker_id);
                """)
        }
        m.registerMigration("v2: worker portal (link key, open types, attempts)") { db in
            try db.execute(sql: """
                CREATE TABLE server_settings (name TEXT PRIMARY KEY, value BLOB NOT NULL);
                ALTER TABLE qualification_types ADD COLUMN open INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE test_attempts (
                    id TEXT PRIMARY KEY, type_id TEXT NOT NULL REFERENCES qualification_types(id), worker_id TEXT NOT NULL,
                    test TEXT, answer_key TEXT, started_at REAL NOT NULL, deadline REAL, state TEXT NOT NULL, finished_at REAL,
                    seq INTEGER NOT NULL);
                CREATE INDEX test_attempts_worker ON test_attempts(type_id, worker_id, seq);
                """)
        }
        return m
    }

    // MARK: Access keys

    public func createAccessKey(_ key: StoredAccessKey) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO access_keys VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [key.accessKeyId, key.secret, key.requester, key.label, key.createdAt.timeIntervalSince1970, key.revoked])
        }
    }

    public func accessKey(id: String) async throws -> StoredAccessKey? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM access_keys WHERE access_key_id = ?", arguments: [id]).map(Self.key) }
    }

    public func accessKeys() async throws -> [StoredAccessKey] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM access_keys ORDER BY created_at").map(Self.key) }
    }

    public func revokeAccessKey(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE access_keys SET revoked = 1 WHERE access_key_id = ? AND revoked = 0", arguments: [id])
            return db.changesCount > 0
        }
    }

    static func key(_ r: Row) -> StoredAccessKey {
        StoredAccessKey(accessKeyId: r["access_key_id"], secret: r["secret"], requester: r["requester"], label: r["label"],
                        createdAt: Date(timeIntervalSince1970: r["created_at"]), revoked: r["revoked"])
    }

    // MARK: Types

    public func insertType(_ t: StoredQualificationType) async throws -> Bool {
        try await pool.write { db in
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM qualification_types WHERE requester = ? AND name = ? AND deleted = 0",
                                           arguments: [t.requester, t.name]) ?? false
            if exists { return false }
            try db.execute(sql: """
                INSERT INTO qualification_types (id, requester, name, description, keywords, active, test, test_duration,
                    answer_key, retry_delay, auto_granted, auto_granted_value, created_at, deleted)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                """, arguments: [t.id, t.requester, t.name, t.description, t.keywords, t.active, t.test, t.testDurationInSeconds,
                                 t.answerKey, t.retryDelayInSeconds, t.autoGranted, t.autoGrantedValue, t.createdAt.timeIntervalSince1970])
            return true
        }
    }

    public func type(id: String) async throws -> StoredQualificationType? {
        // Hot path (every grant and read checks its type): prepared once per connection.
        try await pool.read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM qualification_types WHERE id = ?"), arguments: [id]).map(Self.type)
        }
    }

    public func updateType(_ t: StoredQualificationType) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE qualification_types SET description = ?, active = ?, test = ?, test_duration = ?, answer_key = ?,
                    retry_delay = ?, auto_granted = ?, auto_granted_value = ? WHERE id = ?
                """, arguments: [t.description, t.active, t.test, t.testDurationInSeconds, t.answerKey, t.retryDelayInSeconds,
                                 t.autoGranted, t.autoGrantedValue, t.id])
        }
    }

    public func deleteType(id: String, at: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE qualification_types SET deleted = 1, active = 0 WHERE id = ?", arguments: [id])
            try db.execute(sql: "UPDATE qualification_requests SET state = 'Rejected' WHERE type_id = ? AND state = 'Pending'", arguments: [id])
        }
    }

    public func types(requester: String?, query: String?, onlyActive: Bool, after: String?, limit: Int) async throws -> StorePage<StoredQualificationType> {
        try await pool.read { db in
            var sql = "SELECT * FROM qualification_types WHERE deleted = 0"
            var args: StatementArguments = []
            if let requester { sql += " AND requester = ?"; _ = args.append(contentsOf: [requester]) }
            if onlyActive { sql += " AND active = 1" }
            if let query, !query.isEmpty {
                sql += " AND (name LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\' OR keywords LIKE ? ESCAPE '\\')"
                let like = "%" + query.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_") + "%"
                _ = args.append(contentsOf: [like, like, like])
            }
            if let after { sql += " AND id > ?"; _ = args.append(contentsOf: [after]) }
            sql += " ORDER BY id LIMIT ?"
            _ = args.append(contentsOf: [limit + 1])
            let rows = try Row.fetchAll(db, sql: sql, arguments: args).map(Self.type)
            return StorePage(items: Array(rows.prefix(limit)), next: rows.count > limit ? rows[limit - 1].id : nil)
        }
    }

    static func type(_ r: Row) -> StoredQualificationType {
        StoredQualificationType(
            id: r["id"], requester: r["requester"], name: r["name"], description: r["description"], keywords: r["keywords"],
            active: r["active"], test: r["test"], testDurationInSeconds: r["test_duration"], answerKey: r["answer_key"],
            retryDelayInSeconds: r["retry_delay"], autoGranted: r["auto_granted"], autoGrantedValue: r["auto_granted_value"],
            createdAt: Date(timeIntervalSince1970: r["created_at"]), deleted: r["deleted"], open: r["open"])
    }

    // MARK: Qualifications

    public func grant(typeId: String, workerId: String, value: Int32, at: Date, notification: StoredNotification?) async throws -> Bool {
        try await pool.write { db in
            let live = try Bool.fetchOne(try db.cachedStatement(sql: "SELECT deleted = 0 FROM qualification_types WHERE id = ?"),
                                         arguments: [typeId]) ?? false
            guard live else { return false }
            try db.cachedStatement(sql: """
                INSERT INTO qualifications (type_id, worker_id, value, granted, grant_time) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT (type_id, worker_id) DO UPDATE SET value = excluded.value, granted = 1, grant_time = excluded.grant_time
                """).execute(arguments: [typeId, workerId, value, at.timeIntervalSince1970])
            if let n = notification { try Self.insert(n, db) }
            return true
        }
    }

    public func revoke(typeId: String, workerId: String, notification: StoredNotification?) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE qualifications SET granted = 0 WHERE type_id = ? AND worker_id = ? AND granted = 1",
                           arguments: [typeId, workerId])
            let changed = db.changesCount > 0
            if changed, let n = notification { try Self.insert(n, db) }
            return changed
        }
    }

    public func qualification(typeId: String, workerId: String) async throws -> StoredQualification? {
        try await pool.read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM qualifications WHERE type_id = ? AND worker_id = ?"),
                             arguments: [typeId, workerId]).map(Self.qualification)
        }
    }

    public func qualifications(typeId: String, granted: Bool?, after: String?, limit: Int) async throws -> StorePage<StoredQualification> {
        try await pool.read { db in
            var sql = "SELECT * FROM qualifications WHERE type_id = ?"
            var args: StatementArguments = [typeId]
            if let granted { sql += " AND granted = ?"; _ = args.append(contentsOf: [granted]) }
            if let after { sql += " AND worker_id > ?"; _ = args.append(contentsOf: [after]) }
            sql += " ORDER BY worker_id LIMIT ?"
            _ = args.append(contentsOf: [limit + 1])
            let rows = try Row.fetchAll(db, sql: sql, arguments: args).map(Self.qualification)
            return StorePage(items: Array(rows.prefix(limit)), next: rows.count > limit ? rows[limit - 1].workerId : nil)
        }
    }

    static func qualification(_ r: Row) -> StoredQualification {
        StoredQualification(typeId: r["type_id"], workerId: r["worker_id"], value: r["value"], granted: r["granted"],
                            grantTime: Date(timeIntervalSince1970: r["grant_time"]))
    }

    // MARK: Requests

    public func insertRequest(_ request: StoredRequest) async throws -> StoredRequest {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO qualification_requests (id, type_id, worker_id, test, answer, submit_time, state) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [request.id, request.typeId, request.workerId, request.test, request.answer,
                                       request.submitTime.timeIntervalSince1970, request.state.rawValue])
            var r = request
            r.sequence = db.lastInsertedRowID
            return r
        }
    }

    public func request(id: String) async throws -> StoredRequest? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM qualification_requests WHERE id = ?", arguments: [id]).map(Self.request) }
    }

    public func pendingRequests(requester: String, typeId: String?, after: String?, limit: Int) async throws -> StorePage<StoredRequest> {
        try await pool.read { db in
            var sql = """
                SELECT r.* FROM qualification_requests r JOIN qualification_types t ON t.id = r.type_id
                WHERE r.state = 'Pending' AND t.requester = ?
                """
            var args: StatementArguments = [requester]
            if let typeId { sql += " AND r.type_id = ?"; _ = args.append(contentsOf: [typeId]) }
            if let after, let seq = Int64(after) { sql += " AND r.seq > ?"; _ = args.append(contentsOf: [seq]) }
            sql += " ORDER BY r.seq LIMIT ?"
            _ = args.append(contentsOf: [limit + 1])
            let rows = try Row.fetchAll(db, sql: sql, arguments: args).map(Self.request)
            return StorePage(items: Array(rows.prefix(limit)), next: rows.count > limit ? String(rows[limit - 1].sequence) : nil)
        }
    }

    public func accept(requestId: String, value: Int32, at: Date) async throws -> Bool {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM qualification_requests WHERE id = ? AND state = 'Pending'", arguments: [requestId]) else {
                return false
            }
            let r = Self.request(row)
            try db.execute(sql: "UPDATE qualification_requests SET state = 'Accepted' WHERE id = ?", arguments: [requestId])
            try db.execute(sql: """
                INSERT INTO qualifications (type_id, worker_id, value, granted, grant_time) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT (type_id, worker_id) DO UPDATE SET value = excluded.value, granted = 1, grant_time = excluded.grant_time
                """, arguments: [r.typeId, r.workerId, value, at.timeIntervalSince1970])
            return true
        }
    }

    public func reject(requestId: String, notification: StoredNotification?) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE qualification_requests SET state = 'Rejected' WHERE id = ? AND state = 'Pending'", arguments: [requestId])
            let changed = db.changesCount > 0
            if changed, let n = notification { try Self.insert(n, db) }
            return changed
        }
    }

    public func lastRequest(typeId: String, workerId: String) async throws -> StoredRequest? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM qualification_requests WHERE type_id = ? AND worker_id = ? ORDER BY seq DESC LIMIT 1",
                             arguments: [typeId, workerId]).map(Self.request)
        }
    }

    static func request(_ r: Row) -> StoredRequest {
        StoredRequest(id: r["id"], typeId: r["type_id"], workerId: r["worker_id"], test: r["test"], answer: r["answer"],
                      submitTime: Date(timeIntervalSince1970: r["submit_time"]),
                      state: StoredRequest.State(rawValue: r["state"]) ?? .pending, sequence: r["seq"])
    }

    // MARK: Notifications

    public func notify(_ notifications: [StoredNotification]) async throws {
        try await pool.write { db in for n in notifications { try Self.insert(n, db) } }
    }

    public func notifications(workerId: String) async throws -> [StoredNotification] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM notifications WHERE worker_id = ? ORDER BY id", arguments: [workerId]).map {
                StoredNotification(workerId: $0["worker_id"], subject: $0["subject"], message: $0["message"],
                                   sentAt: Date(timeIntervalSince1970: $0["sent_at"]))
            }
        }
    }

    static func insert(_ n: StoredNotification, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO notifications (worker_id, subject, message, sent_at) VALUES (?, ?, ?, ?)",
                       arguments: [n.workerId, n.subject, n.message, n.sentAt.timeIntervalSince1970])
    }

    // MARK: Worker portal

    public func linkKey() async throws -> [UInt8] {
        try await pool.write { db in
            if let data = try Data.fetchOne(db, sql: "SELECT value FROM server_settings WHERE name = 'link_key'") { return Array(data) }
            var g = SystemRandomNumberGenerator()
            let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
            try db.execute(sql: "INSERT INTO server_settings (name, value) VALUES ('link_key', ?)", arguments: [Data(key)])
            return key
        }
    }

    public func setOpen(typeId: String, open: Bool) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE qualification_types SET open = ? WHERE id = ? AND deleted = 0", arguments: [open, typeId])
            return db.changesCount > 0
        }
    }

    public func insertAttempt(_ a: StoredAttempt) async throws {
        try await pool.write { db in
            let seq = (try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM test_attempts") ?? 1)
            try db.execute(sql: """
                INSERT INTO test_attempts (id, type_id, worker_id, test, answer_key, started_at, deadline, state, finished_at, seq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [a.id, a.typeId, a.workerId, a.test, a.answerKey, a.startedAt.timeIntervalSince1970,
                                 a.deadline?.timeIntervalSince1970, a.state.rawValue, a.finishedAt?.timeIntervalSince1970, seq])
        }
    }

    public func attempt(id: String) async throws -> StoredAttempt? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM test_attempts WHERE id = ?", arguments: [id]).map(Self.attempt) }
    }

    public func lastAttempt(typeId: String, workerId: String) async throws -> StoredAttempt? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM test_attempts WHERE type_id = ? AND worker_id = ? ORDER BY seq DESC LIMIT 1",
                             arguments: [typeId, workerId]).map(Self.attempt)
        }
    }

    public func expireAttempt(id: String, at: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE test_attempts SET state = 'Expired', finished_at = ? WHERE id = ? AND state = 'Started'",
                           arguments: [at.timeIntervalSince1970, id])
        }
    }

    public func submitAttempt(id: String, request: StoredRequest, grantValue: Int32?, at: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE test_attempts SET state = 'Submitted', finished_at = ? WHERE id = ? AND state = 'Started'",
                           arguments: [at.timeIntervalSince1970, id])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "INSERT INTO qualification_requests (id, type_id, worker_id, test, answer, submit_time, state) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [request.id, request.typeId, request.workerId, request.test, request.answer,
                                       request.submitTime.timeIntervalSince1970, request.state.rawValue])
            if let grantValue {
                try db.execute(sql: """
                    INSERT INTO qualifications (type_id, worker_id, value, granted, grant_time) VALUES (?, ?, ?, 1, ?)
                    ON CONFLICT (type_id, worker_id) DO UPDATE SET value = excluded.value, granted = 1, grant_time = excluded.grant_time
                    """, arguments: [request.typeId, request.workerId, grantValue, at.timeIntervalSince1970])
            }
            return true
        }
    }

    static func attempt(_ r: Row) -> StoredAttempt {
        StoredAttempt(id: r["id"], typeId: r["type_id"], workerId: r["worker_id"], test: r["test"], answerKey: r["answer_key"],
                      startedAt: Date(timeIntervalSince1970: r["started_at"]),
                      deadline: (r["deadline"] as Double?).map { Date(timeIntervalSince1970: $0) },
                      state: StoredAttempt.State(rawValue: r["state"]) ?? .started,
                      finishedAt: (r["finished_at"] as Double?).map { Date(timeIntervalSince1970: $0) })
    }
}
