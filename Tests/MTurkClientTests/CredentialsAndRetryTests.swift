import Foundation
import MTurkClient
import Testing

@Suite("Credentials, the AWS way")
struct CredentialsTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"

    func resolver(_ env: [String: String], files: [String: String] = [:]) -> CredentialsResolver {
        CredentialsResolver(environment: env.merging(["HOME": "/home/u"]) { a, _ in a }, readFile: { files[$0] })
    }

    @Test func environmentFirst() throws {
        let key = try resolver(["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": Self.secret, "AWS_SESSION_TOKEN": "tok"],
                               files: ["/home/u/.aws/credentials": "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = x\n"]).resolve()
        #expect(key.accessKeyId == "AKIDENV")
        #expect(key.sessionToken == "tok")
        #expect(key.source == "environment")
    }

    @Test func sharedCredentialsFileDefaultProfile() throws {
        let key = try resolver([:], files: ["/home/u/.aws/credentials": "# comment\n[default]\r\naws_access_key_id=AKIDFILE\r\n  aws_secret_access_key =  \(Self.secret)  \r\n"]).resolve()
        #expect(key.accessKeyId == "AKIDFILE")
        #expect(key.secretAccessKey == Self.secret)
    }

    @Test func namedProfileFromEnvAndConfigFile() throws {
        let files = ["/cfg": "[default]\nregion = us-east-1\n[profile lab]\naws_access_key_id = AKIDLAB\naws_secret_access_key = s3\n"]
        let key = try resolver(["AWS_PROFILE": "lab", "AWS_CONFIG_FILE": "/cfg"], files: files).resolve()
        #expect(key.accessKeyId == "AKIDLAB")
        #expect(key.source.contains("/cfg"))
    }

    @Test func explicitProfileBeatsEnvironmentKeys() throws {
        let files = ["/creds": "[lab]\naws_access_key_id = AKIDLAB\naws_secret_access_key = s3\n"]
        let key = try resolver(["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "x", "AWS_SHARED_CREDENTIALS_FILE": "/creds"], files: files)
            .resolve(profile: "lab")
        #expect(key.accessKeyId == "AKIDLAB")
    }

    @Test func clearErrors() {
        #expect(throws: CredentialsError.self) { try resolver([:]).resolve() }
        #expect(throws: CredentialsError.profileNotFound(profile: "nope", files: ["/home/u/.aws/credentials", "/home/u/.aws/config"])) {
            try resolver([:]).resolve(profile: "nope")
        }
        #expect(throws: CredentialsError.incomplete(profile: "default", file: "/home/u/.aws/credentials", missing: "aws_secret_access_key")) {
            try resolver([:], files: ["/home/u/.aws/credentials": "[default]\naws_access_key_id = A\n"]).resolve()
        }
    }

    @Test func secretNeverPrinted() {
        let key = AccessKey(accessKeyId: "AKID", secretAccessKey: Self.secret, source: "test")
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, key.debugDescription, "\(key)", String(reflecting: key), dumped] {
            #expect(!text.contains(Self.secret))
        }
    }
}

@Suite("Retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(100), maxDelay: .seconds(1))

    @Test func throttlingIsRetriedWithGrowingFullJitter() {
        let throttled = RetryPolicy.Failure.service(type: "ThrottlingException", status: 400)
        #expect(policy.decide(afterAttempt: 1, failure: throttled, idempotent: true, random: { 0.5 }) == .retry(after: .milliseconds(50)))
        #expect(policy.decide(afterAttempt: 3, failure: throttled, idempotent: true, random: { 0.5 }) == .retry(after: .milliseconds(200)))
        #expect(policy.decide(afterAttempt: 3, failure: throttled, idempotent: true, random: { 0 }) == .retry(after: .zero))
        #expect(policy.decide(afterAttempt: 4, failure: throttled, idempotent: true, random: { 0.5 }) == .giveUp)
        let capped = RetryPolicy(maxAttempts: 40, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(capped.decide(afterAttempt: 30, failure: throttled, idempotent: true, random: { 0.5 }) == .retry(after: .milliseconds(500)))
    }

    @Test func whatIsRetryable() {
        #expect(RetryPolicy.isRetryable(.service(type: "ServiceFault", status: 500)))
        #expect(RetryPolicy.isRetryable(.service(type: "", status: 503)))
        #expect(RetryPolicy.isRetryable(.transport))
        #expect(!RetryPolicy.isRetryable(.service(type: "RequestError", status: 400)))
        #expect(!RetryPolicy.isRetryable(.service(type: "ParameterValidationError", status: 400)))
    }

    @Test func nonIdempotentCallsAreNotRetriedWhenTheOutcomeIsUnknown() {
        #expect(policy.decide(afterAttempt: 1, failure: .transport, idempotent: false, random: { 0.5 }) == .giveUp)
        #expect(policy.decide(afterAttempt: 1, failure: .service(type: "ServiceFault", status: 500), idempotent: false, random: { 0.5 }) == .giveUp)
        // A throttled request was refused before doing anything: safe to send again.
        #expect(policy.decide(afterAttempt: 1, failure: .service(type: "ThrottlingException", status: 400), idempotent: false, random: { 0.5 }) != .giveUp)
    }
}
