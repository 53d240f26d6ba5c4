/// A list operation that pages with `NextToken`.
public protocol PaginatedMTurkRequest: MTurkRequest where Response: PaginatedMTurkResponse {
    var nextToken: String? { get set }
    var maxResults: Int? { get set }
}

public protocol PaginatedMTurkResponse: Codable, Sendable, Equatable {
    associatedtype Item: Codable & Sendable & Equatable
    var nextToken: String? { get }
    var items: [Item] { get }
}

extension ListQualificationTypesRequest: PaginatedMTurkRequest {}
extension ListWorkersWithQualificationTypeRequest: PaginatedMTurkRequest {}
extension ListQualificationRequestsRequest: PaginatedMTurkRequest {}

extension ListQualificationTypesResponse: PaginatedMTurkResponse {
    public var items: [QualificationType] { qualificationTypes ?? [] }
}

extension ListWorkersWithQualificationTypeResponse: PaginatedMTurkResponse {
    public var items: [Qualification] { qualifications ?? [] }
}

extension ListQualificationRequestsResponse: PaginatedMTurkResponse {
    public var items: [QualificationRequest] { qualificationRequests ?? [] }
}
