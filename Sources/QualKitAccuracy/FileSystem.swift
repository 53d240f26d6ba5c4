#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file or folder that cannot be read (exit 2 in the CLI: the inputs are not there, as opposed to bad data).
public struct AccuracyIOError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The few POSIX calls the job reader needs: listing a folder and reading a whole file into a reused buffer.
enum FileSystem {
    struct Entry {
        var name: String
        /// true: a folder; false: a file; nil: the file system did not say (d_type unknown).
        var isDirectory: Bool?
    }

    /// The entries of a folder (without `.` and `..`), or nil when it cannot be opened.
    static func list(_ path: String) -> [Entry]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var out: [Entry] = []
        while let e = readdir(dir) {
            let name = withUnsafePointer(to: &e.pointee.d_name) { p in
                p.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let type = e.pointee.d_type
            let isDirectory: Bool? = type == 4 ? true : (type == 0 || type == 10 ? nil : false)
            out.append(Entry(name: name, isDirectory: isDirectory))
        }
        return out
    }

    static func isDirectory(_ path: String) -> Bool {
        var s = stat()
        guard stat(path, &s) == 0 else { return false }
        return (s.st_mode & S_IFMT) == S_IFDIR
    }

    static func isFile(_ path: String) -> Bool {
        var s = stat()
        guard stat(path, &s) == 0 else { return false }
        return (s.st_mode & S_IFMT) == S_IFREG
    }

    /// Reads a whole file into `buffer` (grown as needed); returns the byte count.
    static func read(_ path: String, into buffer: inout [UInt8]) throws(AccuracyIOError) -> Int {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw AccuracyIOError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var count = 0
        while true {
            if count == buffer.count { buffer.append(contentsOf: repeatElement(0, count: max(buffer.count, 1 << 16))) }
            let n = buffer.withUnsafeMutableBytes { raw in
                systemRead(fd, raw.baseAddress! + count, raw.count - count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw AccuracyIOError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { return count }
            count += n
        }
    }

    /// Reads a whole file.
    static func read(_ path: String) throws(AccuracyIOError) -> [UInt8] {
        var buffer: [UInt8] = []
        let n = try read(path, into: &buffer)
        buffer.removeSubrange(n...)
        return buffer
    }

    static func join(_ a: String, _ b: String) -> String {
        a.hasSuffix("/") ? a + b : a + "/" + b
    }
}

@inline(__always)
private func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, p, n)
    #elseif canImport(Musl)
    Musl.read(fd, p, n)
    #else
    Darwin.read(fd, p, n)
    #endif
}
