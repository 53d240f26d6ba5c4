internal import CLibXML2
import QualKitSchemas

/// One-time process set-up of libxml2, and the error plumbing shared by parsing and validation.
enum LibXML2 {
    /// Runs exactly once per process (Swift globals are initialised lazily and atomically).
    static let initialized: Void = {
        xmlInitParser()
        xmlSchemaInitTypes()
        // Documents are parsed with no DTD and no network, so nothing should ever be loaded from outside.
        // Schemas import each other by file name (e.g. `xml.xsd`): serve those from the embedded copies,
        // refuse everything else.
        xmlSetExternalEntityLoader(embeddedOnlyLoader)
    }()

    static var runtimeVersion: String { String(cString: clibxml2_runtime_version()) }
}

/// Embedded schema texts as NUL-terminated C strings that live for the whole process (read-only after init).
nonisolated(unsafe) private let embeddedCStrings: [String: UnsafeMutablePointer<xmlChar>] = {
    var table: [String: UnsafeMutablePointer<xmlChar>] = [:]
    for schema in EmbeddedSchema.allCases {
        let bytes = schema.bytes
        let buffer = UnsafeMutablePointer<xmlChar>.allocate(capacity: bytes.count + 1)
        buffer.initialize(from: bytes, count: bytes.count)
        buffer[bytes.count] = 0
        table[schema.rawValue] = buffer
    }
    return table
}()

private func embeddedOnlyLoader(
    _ url: UnsafePointer<CChar>?, _ id: UnsafePointer<CChar>?, _ context: xmlParserCtxtPtr?
) -> xmlParserInputPtr? {
    guard let url, let context else { return nil }
    let name = String(cString: url).split(separator: "/").last.map(String.init) ?? ""
    guard let text = embeddedCStrings[name] else {
        // Refused: QualKit never reads files or the network on behalf of a document.
        return nil
    }
    return xmlNewStringInputStream(context, text)
}

/// A libxml2 error copied into Swift values.
struct RawXMLError {
    var domain: Int32
    var code: Int32
    var level: xmlErrorLevel
    var message: String
    var line: Int
    var column: Int
    var node: UnsafeMutableRawPointer?
}

/// Collects structured errors from libxml2 callbacks. Passed as an unretained pointer; never escapes the call.
final class ErrorSink {
    var errors: [RawXMLError] = []

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static let callback: xmlStructuredErrorFunc = { userData, error in
        guard let userData, let error else { return }
        let sink = Unmanaged<ErrorSink>.fromOpaque(userData).takeUnretainedValue()
        let e = error.pointee
        var message = e.message.map { String(cString: $0) } ?? "unknown XML error"
        while message.last?.isWhitespace == true { message.removeLast() }
        sink.errors.append(RawXMLError(
            domain: Int32(e.domain), code: Int32(e.code), level: e.level, message: message,
            line: Int(e.line), column: Int(e.int2), node: e.node))
    }

    /// Runs `body` with this sink as the thread's structured error handler. `body` is synchronous,
    /// so the task cannot hop threads in between.
    func capturing<T>(_ body: () -> T) -> T {
        xmlSetStructuredErrorFunc(opaque, ErrorSink.callback)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return withExtendedLifetime(self) { body() }
    }
}
