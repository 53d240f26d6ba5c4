/// A parsed XML element as a plain Swift value: no libxml2 pointer ever leaves `QualKitXML`.
public struct XMLElementNode: Sendable, Hashable {
    public var localName: String
    public var namespace: String?
    public var attributes: [XMLAttributeNode]
    public var children: [XMLChildNode]
    /// Where the start tag begins (`<`).
    public var location: SourceLocation
    /// Where the element's content begins: just after the start tag, and after `<![CDATA[` when the
    /// content opens with a CDATA section (used to map FormattedContent positions back to the file).
    public var contentLocation: SourceLocation

    public init(
        localName: String, namespace: String? = nil, attributes: [XMLAttributeNode] = [],
        children: [XMLChildNode] = [], location: SourceLocation, contentLocation: SourceLocation? = nil
    ) {
        self.localName = localName
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.location = location
        self.contentLocation = contentLocation ?? location
    }

    /// Child elements in document order.
    public var elements: [XMLElementNode] {
        children.compactMap { if case .element(let e) = $0 { e } else { nil } }
    }

    /// Child elements with this local name (any namespace).
    public func elements(named name: String) -> [XMLElementNode] {
        elements.filter { $0.localName == name }
    }

    /// The first child element with this local name.
    public func element(named name: String) -> XMLElementNode? {
        for case .element(let e) in children where e.localName == name { return e }
        return nil
    }

    /// The concatenated text of this element's direct text children.
    public var text: String {
        var result = ""
        for case .text(let t) in children { result += t }
        return result
    }

    /// The value of an unqualified attribute.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.localName == name && $0.namespace == nil }?.value
    }
}

public struct XMLAttributeNode: Sendable, Hashable {
    public var localName: String
    public var namespace: String?
    public var value: String

    public init(localName: String, namespace: String? = nil, value: String) {
        self.localName = localName
        self.namespace = namespace
        self.value = value
    }
}

public enum XMLChildNode: Sendable, Hashable {
    case element(XMLElementNode)
    case text(String)
}
