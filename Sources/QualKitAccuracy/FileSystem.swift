import CDirectoryListing
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
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw AccuracyIOError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard let n = readAll(fd, into: &buffer) else {
            throw AccuracyIOError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        return n
    }

    /// Reads an open regular file to its end into `buffer`; nil on a read error (errno says which).
    ///
    /// A read that returns less than was asked for is taken as the end of the file (true of regular files on
    /// Linux and macOS), which saves the extra read that would return 0: one syscall per worker-response file.
    static func readAll(_ fd: Int32, into buffer: inout [UInt8]) -> Int? {
        var count = 0
        while true {
            if count == buffer.count { buffer.append(contentsOf: repeatElement(0, count: max(buffer.count, 1 << 16))) }
            let asked = buffer.count - count
            let n = buffer.withUnsafeMutableBytes { raw in
                systemRead(fd, raw.baseAddress! + count, asked)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            count += n
            if n == 0 || n < asked { return count }
        }
    }

    /// Opens a folder below an open folder (nil on failure).
    static func openDirectory(_ name: String, in parent: Int32) -> Int32? {
        let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        return fd >= 0 ? fd : nil
    }

    /// Opens a folder (nil on failure).
    static func openDirectory(_ path: String) -> Int32? {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        return fd >= 0 ? fd : nil
    }

    /// Lists the files ending `suffix` (sorted) of the open folder `fd`, calls `body` with them while `fd` is still
    /// open (so they can be opened with ``read(_:in:into:)``), then closes `fd`. False when it cannot be listed.
    static func withFiles(in fd: Int32, suffix: String, _ body: ([String]) -> Void) -> Bool {
        #if os(Linux)
        // getdents64 straight into a buffer: 2 system calls per folder instead of fdopendir's 5.
        if var names = listWithGetdents(fd, suffix: suffix) {
            names.sort()
            body(names)
            close(fd)
            return true
        }
        lseek(fd, 0, SEEK_SET)  // start the fallback listing from the first entry
        #endif
        guard let dir = fdopendir(fd) else {
            close(fd)
            return false
        }
        defer { closedir(dir) }
        var out: [String] = []
        while let e = readdir(dir) {
            if e.pointee.d_type == 4 { continue }
            let name = withUnsafePointer(to: &e.pointee.d_name) { p in
                p.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasSuffix(suffix) { out.append(name) }
        }
        out.sort()
        body(out)
        return true
    }

    #if os(Linux)
    /// The names ending `suffix` of the entries of open folder `fd` that are not folders, read with getdents64;
    /// nil when the call fails (the caller falls back to readdir, which reports the error).
    static func listWithGetdents(_ fd: Int32, suffix: String) -> [String]? {
        // linux_dirent64: d_ino (8 bytes), d_off (8), d_reclen (2), d_type (1), d_name (NUL-terminated).
        let size = 32 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        var names: [String] = []
        while true {
            let n = qk_getdents64(fd, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return names }
            var offset = 0
            while offset < n {
                let record = buffer + offset
                let length = Int(record.loadUnaligned(fromByteOffset: 16, as: UInt16.self))
                guard length > 19 else { return nil }
                let type = record.load(fromByteOffset: 18, as: UInt8.self)
                if type != 4 {
                    let name = String(cString: (record + 19).assumingMemoryBound(to: CChar.self))
                    if name.hasSuffix(suffix) { names.append(name) }
                }
                offset += length
            }
        }
    }
    #endif

    /// Reads a whole file below an open folder into `buffer`; nil when it cannot be opened or read.
    static func read(_ name: String, in parent: Int32, into buffer: inout [UInt8]) -> Int? {
        let fd = openat(parent, name, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readAll(fd, into: &buffer)
    }

    static func errorText() -> String { String(cString: strerror(errno)) }

    static func closeFile(_ fd: Int32) { close(fd) }

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
