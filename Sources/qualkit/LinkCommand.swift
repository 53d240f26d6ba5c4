import ArgumentParser
import Foundation
import MTurkAPI
import QualKitServer

/// `qualkit link TYPE --worker W`: a signed portal link for one worker (paste it into any crowd platform).
struct LinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Print a worker's signed link to a qualification's test page on `qualkit serve`.",
        discussion: """
            The link carries an HMAC token over the type, the worker ID and the expiry, signed with the server's \
            link key (kept in the database), so only that worker can take the test as that ID. With --open the type \
            also accepts workers who type their ID on the portal (no link needed).
            """)

    @Argument(help: "The QualificationTypeId.")
    var typeId: String

    @Option(help: "The worker ID (A followed by capital letters and digits).")
    var worker: String?

    @Option(help: "How long the link works: e.g. 7d, 12h, 30m (default 7d).")
    var expires: String = "7d"

    @Option(name: .customLong("base-url"), help: "The server's address as workers reach it (default http://127.0.0.1:8765).")
    var baseURL: String = "http://127.0.0.1:8765"

    @Flag(help: "Mark the type open: workers may type their ID on the portal instead of using a link.")
    var open = false

    @OptionGroup var database: DatabaseOption

    func validate() throws {
        guard MTurkLimits.isValidTypeId(typeId) else {
            throw ValidationError("\"\(typeId)\" is not a QualificationTypeId (capital letters and digits, 1-64 characters)")
        }
        if let worker, !MTurkLimits.isValidWorkerId(worker) {
            throw ValidationError("\"\(worker)\" is not a worker ID (A followed by capital letters and digits, e.g. A1B2C3D4E5)")
        }
        guard worker != nil || open else { throw ValidationError("give --worker WORKERID (or --open to let workers type their ID)") }
        guard WorkerLink.parseDuration(expires) != nil else { throw ValidationError("--expires takes a duration like 7d, 12h or 30m") }
        guard let url = URL(string: baseURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--base-url must be an http(s) URL such as http://127.0.0.1:8765")
        }
    }

    func run() async throws {
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw CLIError.usage("no database at \(database.path): run `qualkit serve init` first (or pass --db)")
        }
        let store = try SQLiteStore(path: database.path)
        guard let type = try await store.type(id: typeId), !type.deleted else {
            throw CLIError.usage("no qualification type \(typeId) in \(database.path) (see `qualkit types list`)")
        }
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        if open {
            _ = try await store.setOpen(typeId: typeId, open: true)
            print("\(base)/worker (type \(typeId) is open: workers type their ID)")
        }
        if let worker {
            let until = Int64(Date().addingTimeInterval(WorkerLink.parseDuration(expires)!).timeIntervalSince1970)
            print(base + WorkerLink.path(key: try await store.linkKey(), typeId: typeId, workerId: worker, expires: until))
        }
        if !type.active {
            FileHandle.standardError.write(Data("warning: \(typeId) is Inactive: workers will be told it is not accepting requests\n".utf8))
        }
    }
}
