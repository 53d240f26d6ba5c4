import Foundation
import MTurkAPI
@testable import QualKitServer
import Testing

@Suite("SQLite store")
struct StoreTests {
    @Test func reopeningKeepsEverythingAndTheFileIsPrivate() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let key = AccessKeyFactory.make(requester: "lab", label: "k")
        try await f.store.createAccessKey(key)
        let id = try await f.createType("kept").qualificationTypeId
        _ = try await f.call(AssociateQualificationWithWorkerRequest(qualificationTypeId: id, workerId: "A1KEPT", integerValue: 4))
        let linkKey = try await f.store.linkKey()
        let path = f.directory.appendingPathComponent("q.sqlite").path
        let reopened = try SQLiteStore(path: path)  // migrations already applied: nothing to redo
        let kept = try #require(try await reopened.accessKey(id: key.accessKeyId))
        #expect(kept.secret == key.secret && kept.requester == key.requester && kept.label == key.label && !kept.revoked)
        #expect(abs(kept.createdAt.timeIntervalSince(key.createdAt)) < 0.001)  // SQLite keeps milliseconds
        #expect(try await reopened.type(id: id)?.name == "kept")
        #expect(try await reopened.qualification(typeId: id, workerId: "A1KEPT")?.value == 4)
        #expect(try await reopened.linkKey() == linkKey)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func accessKeysHaveMTurkLikeShapesAndRevoke() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let a = AccessKeyFactory.make(), b = AccessKeyFactory.make()
        #expect(a.accessKeyId != b.accessKeyId && a.secret != b.secret)
        #expect(a.accessKeyId.hasPrefix("QKIA") && a.accessKeyId.count == 20 && a.secret.count == 40)
        try await f.store.createAccessKey(a)
        #expect(try await f.store.revokeAccessKey(id: a.accessKeyId))
        #expect(try await !f.store.revokeAccessKey(id: a.accessKeyId))  // already revoked
        #expect(try await f.store.accessKeys().map(\.revoked) == [true])
    }

    @Test func grantsNeverLandOnADeletedType() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let id = try await f.createType("short-lived").qualificationTypeId
        #expect(try await f.store.grant(typeId: id, workerId: "A1BEFORE", value: 3, at: Date(), notification: nil))
        try await f.store.deleteType(id: id, at: Date())
        // The service checked the type before this write; the store checks again inside the write's transaction.
        #expect(try await !f.store.grant(typeId: id, workerId: "A1AFTER", value: 3, at: Date(), notification: nil))
        #expect(try await f.store.qualification(typeId: id, workerId: "A1AFTER") == nil)
        #expect(try await !f.store.grant(typeId: "NOSUCHTYPE", workerId: "A1AFTER", value: 3, at: Date(), notification: nil))
    }

    @Test func workerLinkDurations() {
        #expect(WorkerLink.parseDuration("7d") == 604_800)
        #expect(WorkerLink.parseDuration("12h") == 43_200)
        #expect(WorkerLink.parseDuration("90") == 90)
        #expect(WorkerLink.parseDuration("-1d") == nil && WorkerLink.parseDuration("soon") == nil && WorkerLink.parseDuration("") == nil)
    }
}
