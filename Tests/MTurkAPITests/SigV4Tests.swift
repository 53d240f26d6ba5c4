import Foundation
import MTurkAPI
import QualKitTestSupport
import Testing

@Suite("SigV4")
struct SigV4Tests {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        var name, method, path, query, body, accessKeyId, secretAccessKey, service, region, signature: String
        var headers: [[String]]
        var testDescription: String { name }
    }

    static var vectors: [Vector] {
        (try? JSONDecoder().decode([Vector].self, from: Data(RepositoryFiles.bytes("Tests/Fixtures/sigv4/vectors.json")))) ?? []
    }

    static let date = SigV4.parseAmzDate("20150830T123600Z")!

    @Test func vectorsArePresent() { #expect(Self.vectors.count >= 3) }

    @Test(arguments: vectors)
    func publishedVector(_ v: Vector) throws {
        let signer = SigV4Signer(accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey, service: v.service, region: v.region)
        let headers = v.headers.map { ($0[0], $0[1]) }.filter { $0.0.lowercased() != "x-amz-date" }
        let signed = signer.sign(method: v.method, path: v.path, query: v.query, headers: headers, body: Array(v.body.utf8), date: Self.date)
        let authorization = try #require(signed.first { $0.0 == "Authorization" }?.1)
        #expect(authorization.hasSuffix("Signature=\(v.signature)"), "\(authorization)")
        // And the verifier accepts it.
        let result = SigV4Verifier(service: v.service, region: v.region).verify(
            method: v.method, path: v.path, query: v.query, headers: signed, body: Array(v.body.utf8), now: Self.date,
            secretFor: { $0 == v.accessKeyId ? v.secretAccessKey : nil })
        #expect(try result.get() == v.accessKeyId)
    }

    static let secret = "qk-secret-7f1c2e9b4d"

    func signedMTurkRequest(body: String = #"{"QualificationTypeId":"3ABC"}"#, date: Date = Self.date) -> [(String, String)] {
        SigV4Signer(accessKeyId: "QKAKID", secretAccessKey: Self.secret).sign(
            method: "POST", path: "/", headers: [
                ("Host", "127.0.0.1:8765"), ("Content-Type", MTurkProtocol.contentType),
                ("X-Amz-Target", MTurkOperation.getQualificationType.target),
            ], body: Array(body.utf8), date: date)
    }

    func verify(_ headers: [(String, String)], body: String = #"{"QualificationTypeId":"3ABC"}"#, now: Date = Self.date,
                secret: String = Self.secret) -> Result<String, SigV4Verifier.Failure> {
        SigV4Verifier().verify(method: "POST", path: "/", query: "", headers: headers, body: Array(body.utf8), now: now,
                               secretFor: { $0 == "QKAKID" ? secret : nil })
    }

    @Test func roundTripAndRejections() {
        let headers = signedMTurkRequest()
        #expect(verify(headers) == .success("QKAKID"))
        #expect(verify(headers, secret: "wrong") == .failure(.signatureMismatch))
        #expect(verify(headers, body: #"{"QualificationTypeId":"3ABD"}"#) == .failure(.signatureMismatch))
        let tampered = headers.map { $0.0 == "X-Amz-Target" ? ($0.0, MTurkOperation.deleteQualificationType.target) : $0 }
        #expect(verify(tampered) == .failure(.signatureMismatch))
        #expect(verify(headers, now: Self.date.addingTimeInterval(301)) == .failure(.expired(requestDate: "20150830T123600Z", serverDate: "20150830T124101Z")))
        #expect(verify(headers, now: Self.date.addingTimeInterval(-290)) == .success("QKAKID"))
        #expect(verify(headers.filter { $0.0 != "Authorization" }) == .failure(.missingAuthentication))
        let unknown = SigV4Verifier().verify(method: "POST", path: "/", query: "", headers: headers, body: [], now: Self.date, secretFor: { _ in nil })
        #expect(unknown == .failure(.unknownAccessKey("QKAKID")))
        let otherRegion = SigV4Signer(accessKeyId: "QKAKID", secretAccessKey: Self.secret, region: "eu-west-1")
            .sign(method: "POST", path: "/", headers: [("Host", "h")], body: [], date: Self.date)
        guard case .failure(.wrongScope) = verify(otherRegion, body: "") else {
            Issue.record("a signature for another region must be refused")
            return
        }
    }

    @Test func signerNeverShowsTheSecret() {
        let signer = SigV4Signer(accessKeyId: "QKAKID", secretAccessKey: Self.secret)
        var dumped = ""
        dump(signer, to: &dumped)
        #expect(!"\(signer)".contains(Self.secret))
        #expect(!String(reflecting: signer).contains(Self.secret))
        #expect(!dumped.contains(Self.secret) && dumped.contains("QKAKID"), "\(dumped)")
        let secret = SecretString(Self.secret)
        var dumpedSecret = ""
        dump(secret, to: &dumpedSecret)
        for shown in ["\(secret)", String(reflecting: secret), dumpedSecret, "\([secret])"] {
            #expect(!shown.contains(Self.secret), "\(shown)")
        }
        #expect(secret.reveal() == Self.secret)
        let viaSecret = SigV4Signer(accessKeyId: "QKAKID", secret: secret)
        let headers = [("Host", "h")]
        #expect(viaSecret.sign(method: "POST", path: "/", headers: headers, body: [], date: Self.date).map { $0.1 }
            == signer.sign(method: "POST", path: "/", headers: headers, body: [], date: Self.date).map { $0.1 })
    }

    @Test func canonicalPieces() {
        #expect(SigV4.canonicalURI("/a/./b/../c") == "/a/c")
        #expect(SigV4.canonicalURI("/a b") == "/a%20b")
        #expect(SigV4.canonicalURI("") == "/")
        #expect(SigV4.canonicalQuery("b=2&a=1&a=0") == "a=0&a=1&b=2")
        #expect(SigV4.canonicalHeaderValue("  a   b  c ") == "a b c")
        #expect(SigV4.uriEncode("a+b=c/é", keepSlash: false) == "a%2Bb%3Dc%2F%C3%A9")
    }

    /// botocore signs the same requests: the Authorization headers must be identical.
    @Test func agreesWithBotocore() throws {
        if ProcessInfo.processInfo.environment["QUALKIT_SKIP_PYTHON"] == "1" { return }
        struct Described: Encodable {
            var method, url, body, amzDate, accessKeyId, secretAccessKey, service, region: String
            var sessionToken: String?
            var headers: [[String]]
        }
        var cases: [(Described, [(String, String)], String, String)] = []
        let bodies = ["{}", #"{"Name":"English test","Description":"Ünïcödé ✓","QualificationTypeStatus":"Active"}"#, "", String(repeating: "x", count: 5000)]
        let paths = [("/", ""), ("/", "b=2&a=1"), ("/path/to/resource", ""), ("/a%20b", "x=%2F")]
        var i = 0
        for body in bodies {
            for (path, query) in paths {
                i += 1
                let date = Date(timeIntervalSince1970: 1_700_000_000 + Double(i * 3607))
                let headers = [("Host", i % 2 == 0 ? "127.0.0.1:8765" : "mturk-requester.us-east-1.amazonaws.com"),
                               ("Content-Type", MTurkProtocol.contentType), ("X-Amz-Target", MTurkOperation.allCases[i % 13].target),
                               ("X-Custom", "  spaced   value  ")]
                let token: String? = i % 3 == 0 ? "FQoGZXIvYXdzE-session-token" : nil
                let host = headers[0].1
                let url = (host.hasPrefix("127") ? "http://" : "https://") + host + path + (query.isEmpty ? "" : "?" + query)
                let d = Described(method: "POST", url: url, body: body, amzDate: SigV4.amzDate(date), accessKeyId: "AKID\(i)",
                                  secretAccessKey: "secret/\(i)+key", service: MTurkProtocol.signingService,
                                  region: MTurkProtocol.signingRegion, sessionToken: token, headers: headers.map { [$0.0, $0.1] })
                let ours = SigV4Signer(accessKeyId: d.accessKeyId, secretAccessKey: d.secretAccessKey, sessionToken: token)
                    .sign(method: "POST", path: path, query: query, headers: headers, body: Array(body.utf8), date: date)
                cases.append((d, ours, path, query))
            }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", RepositoryFiles.url("Tests/python/botocore_sign.py").path]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(try JSONEncoder().encode(cases.map(\.0)))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0,
                     "botocore signing failed (python3 with botocore is needed: pip install -r Tests/requirements.txt, or QUALKIT_SKIP_PYTHON=1): \(err)")
        let theirs = try JSONDecoder().decode([String].self, from: out)
        #expect(theirs.count == cases.count)
        for (c, botocore) in zip(cases, theirs) {
            let ours = c.1.first { $0.0 == "Authorization" }!.1
            // botocore also signs x-custom; compare the signature and signed headers exactly.
            #expect(ours == botocore, "\(c.0.url)")
        }
    }
}

@Suite("Wire shapes")
struct ShapeTests {
    @Test func pascalCaseMembersAndEpochSeconds() throws {
        let request = CreateQualificationTypeRequest(name: "Test", description: "d", qualificationTypeStatus: .active,
                                                     test: "<QuestionForm/>", testDurationInSeconds: 600)
        let json = String(decoding: try MTurkProtocol.encoder().encode(request), as: UTF8.self)
        #expect(json == #"{"Description":"d","Name":"Test","QualificationTypeStatus":"Active","Test":"<QuestionForm/>","TestDurationInSeconds":600}"#)
        let response = #"{"QualificationType":{"QualificationTypeId":"3ABC","CreationTime":1700000000.123,"Name":"N","QualificationTypeStatus":"Disposing","IsRequestable":true,"AutoGranted":false}}"#
        let decoded = try MTurkProtocol.decoder().decode(QualificationTypeResponse.self, from: Data(response.utf8))
        #expect(decoded.qualificationType.qualificationTypeId == "3ABC")
        #expect(decoded.qualificationType.creationTime == Date(timeIntervalSince1970: 1_700_000_000.123))
        #expect(decoded.qualificationType.qualificationTypeStatus == .other("Disposing"))
        #expect(try MTurkProtocol.decoder().decode(EmptyResponse.self, from: Data("{}".utf8)) == EmptyResponse())
    }

    @Test func requestsRoundTrip() throws {
        let requests: [any MTurkRequest] = [
            ListWorkersWithQualificationTypeRequest(qualificationTypeId: "3A", status: .granted, nextToken: "t", maxResults: 50),
            AssociateQualificationWithWorkerRequest(qualificationTypeId: "3A", workerId: "A1", integerValue: -5, sendNotification: false),
            NotifyWorkersRequest(subject: "s", messageText: "m", workerIds: ["A1", "A2"]),
            UpdateQualificationTypeRequest(qualificationTypeId: "3A", retryDelayInSeconds: 60),
        ]
        for r in requests {
            #expect(try roundTrips(r))
        }
    }

    func roundTrips<R: MTurkRequest>(_ r: R) throws -> Bool {
        try MTurkProtocol.decoder().decode(R.self, from: MTurkProtocol.encoder().encode(r)) == r
    }

    @Test func errorsDecodeTheBotocoreWay() throws {
        let body = try JSONDecoder().decode(MTurkErrorBody.self, from: Data(#"{"__type":"com.amazonaws.mturk#RequestError:http://x","Message":"You requested a Qualification that does not exist. (1631094715163)","TurkErrorCode":"AWS.MechanicalTurk.QualificationDoesNotExist"}"#.utf8))
        #expect(body.code == "RequestError")
        let error = MTurkServiceError(body: body, httpStatus: 400)
        #expect(error.kind == .requestError)
        #expect(error.turkErrorCode == TurkErrorCode.qualificationDoesNotExist)
        #expect(MTurkServiceError(body: MTurkErrorBody(type: "ThrottlingException", message: "Rate exceeded"), httpStatus: 400).kind == .throttling)
        let encoded = String(decoding: MTurkLimits.invalid("Test", value: "<x/>", because: "form.xml:1:1: error[QK120]: …").encoded(), as: UTF8.self)
        #expect(encoded.contains(#""__type":"ParameterValidationError""#))
        #expect(encoded.contains(#""Parameter":"Test""#))
    }

    @Test func operationsAndLimits() {
        #expect(MTurkOperation(target: "MTurkRequesterServiceV20170117.AssociateQualificationWithWorker") == .associateQualificationWithWorker)
        #expect(MTurkOperation(target: "Other.AssociateQualificationWithWorker") == nil)
        #expect(!MTurkOperation.createQualificationType.isIdempotent)
        #expect(MTurkLimits.isValidTypeId("3ABCDEF0123"))
        #expect(!MTurkLimits.isValidTypeId("3abc"))
        #expect(MTurkLimits.isValidWorkerId("A1B2C3"))
        #expect(!MTurkLimits.isValidWorkerId("B1"))
    }
}

/// X-Amz-Date formatting and parsing are plain arithmetic (no Calendar, no String(format:)): checked against
/// Foundation's calendar over centuries, leap days and the second before midnight.
@Suite("SigV4 dates")
struct SigV4DateTests {
    static let utc: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    @Test func agreesWithTheGregorianCalendar() throws {
        var seconds: Int64 = -2_208_988_800  // 1900-01-01
        let end: Int64 = 7_258_118_400       // 2200-01-01
        while seconds < end {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let c = Self.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            #expect(SigV4.amzDate(date) == expected)
            #expect(SigV4.parseAmzDate(expected) == date)
            seconds += 86_400 * 13 + 3_607  // walks through every month, weekday and hour over the years
        }
    }

    @Test func knownValuesAndImpossibleDates() {
        #expect(SigV4.amzDate(Date(timeIntervalSince1970: 1_440_938_160)) == "20150830T123600Z")
        #expect(SigV4.amzDate(Date(timeIntervalSince1970: 951_868_799)) == "20000229T235959Z")
        #expect(SigV4.parseAmzDate("20000229T235959Z") == Date(timeIntervalSince1970: 951_868_799))
        for bad in ["20230229T000000Z", "20150230T000000Z", "20151301T000000Z", "20150800T000000Z", "20150830T240000Z",
                    "20150830T126000Z", "2015083OT123600Z", "20150830 123600Z", "20150830T123600", "+0150830T123600Z"] {
            #expect(SigV4.parseAmzDate(bad) == nil, "\(bad)")
        }
    }

    @Test func canonicalHeaderValuesAreTrimmedAndCollapsed() {
        #expect(SigV4.canonicalHeaderValue("  a   b  c ") == "a b c")
        #expect(SigV4.canonicalHeaderValue("\ta b\n") == "a b")
        #expect(SigV4.canonicalHeaderValue("plain") == "plain")
        #expect(SigV4.lowerHex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(SigV4.uriEncode("a b/ü", keepSlash: false) == "a%20b%2F%C3%BC")
    }
}
